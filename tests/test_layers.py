"""The layout tells the architecture: perfeval's sub-packages are layers and dependencies point one
way (docs/architecture.md). Read from the source with ast, every import counted, also those inside
functions, so a deferred import cannot hide an upward dependency."""
from __future__ import annotations

import ast
import pathlib

from conftest import ROOT

PACKAGE = ROOT / "perfeval"
# Lowest first: a module may import from its own layer and the layers before it, never a later one.
LAYERS = [
    ("ingest.model", "ingest.records", "ingest.normalize"),  # documents, records, text → values
    ("ingest.readers",),                                       # file bytes → Document
    ("ingest.context",),                                       # what a whole document says
    ("ingest.extractors",),                                    # blocks → candidates
    ("ingest.validate", "ingest.reconcile", "ingest.assemble"),  # candidates → evaluations and checks
    ("classify",),
    ("store",),
    ("pipeline",),                                             # a file → parsed → written
    ("app",),
    ("bench",),
    ("cli", "__main__"),
]


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)  # "" is perfeval itself


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer_of(module: str) -> int:
    if module == "":
        return -1  # the package root (REPO_ROOT): below everything
    if module == "ingest":
        return 0  # the package's docstring only
    for i, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"perfeval.{module} belongs to no layer: add it to LAYERS and docs/architecture.md")


def imported_modules(node: ast.AST) -> list[str]:
    """The perfeval modules an import statement loads (without the 'perfeval.' prefix)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name == "perfeval" or a.name.startswith("perfeval.")]
        return [n.removeprefix("perfeval").lstrip(".") for n in names]
    if isinstance(node, ast.ImportFrom) and node.module and (node.module == "perfeval"
                                                              or node.module.startswith("perfeval.")):
        base = node.module.removeprefix("perfeval").lstrip(".")
        out = []
        for alias in node.names:
            sub = f"{base}.{alias.name}" if base else alias.name
            out.append(sub if sub in MODULES else base)  # a submodule, or a name defined in base
        return out
    return []


def imports(path: pathlib.Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    return {m for node in nodes for m in imported_modules(node)}


def test_every_module_has_a_layer():
    assert all(layer_of(m) >= -1 for m in MODULES)


def test_no_module_imports_a_later_layer():
    upward = sorted(f"perfeval.{m} (layer {layer_of(m)}) imports perfeval.{dep} (layer {layer_of(dep)})"
                    for m, path in MODULES.items() for dep in imports(path, top_level_only=False)
                    if layer_of(dep) > layer_of(m))
    assert upward == []


def test_no_import_cycle_between_modules():
    graph = {m: imports(p, top_level_only=True) - {m} for m, p in MODULES.items()}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for dep in sorted(graph.get(m, ())):
            if state.get(dep) == 1:
                cycles.append(" → ".join(path[path.index(dep):] + [m, dep]) if dep in path else f"{m} → {dep}")
            elif dep not in state:
                visit(dep, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    assert cycles == []


def test_the_layers_are_the_folders():
    """ingest, classify, store, app and bench are packages; the pipeline and the CLI sit beside them."""
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == {"ingest", "classify", "store", "app", "bench"}
    assert {p.name for p in PACKAGE.glob("*.py")} == {"__init__.py", "__main__.py", "cli.py", "pipeline.py"}

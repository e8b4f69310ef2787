"""perfeval: budget performance evaluation reports → DuckDB → dashboard (see docs/architecture.md)."""
import pathlib

# data/ and queries/ live beside the package, so modules find them wherever they sit inside it
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent

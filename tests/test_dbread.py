"""perfeval.app.dbread, the one data-access module: named queries with bound parameters, the shared
filter predicate, scope, database status and the data version, on real DuckDB files."""
from __future__ import annotations

import pathlib

import duckdb
import pytest

from perfeval.app import dbread

from conftest_app import build_empty_db, build_sample_db


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> pathlib.Path:
    return build_sample_db(tmp_path_factory.mktemp("dbread") / "samples.duckdb")


def search(db: pathlib.Path, q: str | None, **filters) -> list[str]:
    params = {**dbread.Filters(**filters).params(), "q": q, "limit": 100}
    return dbread.run(str(db), "eval_search", params)["eval_id"].tolist()


def test_status_of_missing_empty_and_loaded_files(tmp_path, samples):
    assert dbread.status(str(tmp_path / "none.duckdb")) == "missing"
    assert dbread.status(str(build_empty_db(tmp_path / "empty.duckdb"))) == "empty"
    assert dbread.status(str(samples)) == "ok"


def test_a_query_file_expands_the_shared_filter_and_names_its_parameters():
    sql, params = dbread.load_sql("eval_search")
    assert "{filters" not in sql and "allowed_regions" in sql  # the scope is part of every filter
    assert {"q", "limit", "regions", "allowed_units"} <= params
    with pytest.raises(ValueError):
        dbread.load_sql("../schema")


def test_values_are_bound_never_formatted_in(samples):
    everything = search(samples, None)
    assert len(everything) == 19
    assert search(samples, "'; DROP TABLE evaluations; --") == []
    assert len(search(samples, None)) == 19


def test_filters_and_scope_narrow_a_query(samples):
    with duckdb.connect(str(samples), read_only=True) as con:
        (unit, n), = con.execute("SELECT unit, count(*) FROM evaluations GROUP BY unit ORDER BY 2 DESC LIMIT 1").fetchall()
    assert len(search(samples, None, units=(unit,))) == n
    assert len(search(samples, None, allowed_units=(unit,))) == n
    assert search(samples, None, allowed_units=("不存在的单位",)) == []


def test_a_missing_parameter_is_refused(samples):
    with pytest.raises(KeyError):
        dbread.run(str(samples), "eval_search", {"q": None})


def test_the_data_version_changes_when_the_file_is_written(tmp_path):
    db = build_empty_db(tmp_path / "v.duckdb")
    before = dbread.data_version(str(db))
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('data_version', 'test')")
        con.execute("CHECKPOINT")
    assert dbread.data_version(str(db)) != before

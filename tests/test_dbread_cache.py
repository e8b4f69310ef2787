"""perfeval.app.dbread keeps the results of the queries that depend only on the data (and the
account's scope) per data version: an ingest by another process shows on the next call, a
caller changing a returned frame does not change what the next caller gets, and each account
scope has its own entry."""
from __future__ import annotations

import shutil

import pytest

from perfeval.app import dbread

from conftest import FIXTURES, run_cli


@pytest.fixture
def db(sample_db, tmp_path):
    path = tmp_path / "perfeval.duckdb"
    shutil.copy(sample_db, path)
    yield str(path)
    dbread.lease.close()


def test_sidebar_queries_are_answered_per_data_version(db):
    first = dbread.run(db, "data_status", {})
    options = dbread.run(db, "filter_options", {})
    assert dbread.status(db) == "ok"
    dbread.lease.close()
    # answered without the database: a query on a closed lease would attach it again
    again = dbread.run_many(db, [("data_status", {}), ("filter_options", {})])
    assert dbread.lease.con is None
    assert again[0].equals(first) and again[1].equals(options)

    again[0].loc[0, "n_documents"] = -1  # a caller's change stays in its own copy
    assert dbread.run(db, "data_status", {})["n_documents"].iloc[0] == first["n_documents"].iloc[0]

    # another process (the CLI) loads more documents: the next call reads the new version
    res = run_cli("ingest", str(FIXTURES / "general"), "--db", db)
    assert res.returncode == 0, res.stderr
    after = dbread.run(db, "data_status", {})
    assert after["n_documents"].iloc[0] > first["n_documents"].iloc[0]
    assert len(dbread.run(db, "filter_options", {})) > len(options)


def test_each_account_scope_has_its_own_entry(db):
    everything = dbread.run(db, "filter_options", {})
    region = everything["region"].dropna().iloc[0]
    scoped = dbread.run(db, "filter_options", {"allowed_regions": [region], "allowed_units": None})
    assert set(scoped["region"]) == {region}
    assert len(dbread.run(db, "filter_options", {})) == len(everything) > len(scoped)


def test_invalidate_forgets_the_cached_results(db):
    dbread.run(db, "data_status", {})
    dbread.invalidate()
    assert dbread.version_cache.entries == {}

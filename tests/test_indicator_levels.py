"""Indicator level names: one name per level however a table writes it (产出, 产出指标,
产出指标（50分） → 产出指标), normalized when stored, the stated wording kept; databases stored
before that are migrated by store.ensure_schema."""
from __future__ import annotations

import duckdb
import pytest

from perfeval.app import dbread
from perfeval.ingest import normalize
from perfeval.store import rollups
from perfeval.store import writer as store


@pytest.mark.parametrize("stated, name", [
    ("产出", "产出指标"), ("产出指标", "产出指标"), ("产出指标（50分）", "产出指标"), ("产出指标(50分)", "产出指标"),
    ("效益指标（30分）", "效益指标"), ("满意度指标 （10分）", "满意度指标"), ("项目决策", "决策"), ("决策指标", "决策"),
    ("社会效益", "社会效益指标"), ("资金投入（权重 20%）", "资金投入"), ("项目管理", "项目管理"),
    ("绩效目标", "绩效目标"), (None, None),
])
def test_indicator_level_names(stated, name):
    assert normalize.indicator_level(stated) == name
    assert normalize.indicator_level(name) == name  # idempotent: a migration may meet its own output


def _levels(con) -> dict:
    return dict(con.execute("SELECT level1, count(*) FROM indicators GROUP BY 1").fetchall())


def test_volume_db_stores_one_name_per_level_and_keeps_the_stated_one(volume_db):
    con = duckdb.connect(str(volume_db), read_only=True)
    try:
        levels = _levels(con)
        stated = {s for (s,) in con.execute("SELECT DISTINCT level1_stated FROM indicators WHERE level1 = '产出指标'")
                  .fetchall()}
        dims = dbread.run(str(volume_db), "indicator_dimensions", dbread.Filters().params())
    finally:
        con.close()
    assert "产出" not in levels and "产出指标（50分）" not in levels and levels["产出指标"] > 200
    assert {"产出", "产出指标", "产出指标（50分）"} <= stated  # provenance: the wording of each table
    assert dims["level1"].is_unique and "产出指标" in set(dims["level1"])


def test_a_database_stored_before_normalization_is_migrated(volume_db, tmp_path):
    db = tmp_path / "old.duckdb"
    db.write_bytes(volume_db.read_bytes())
    con = duckdb.connect(str(db))
    try:  # as an earlier version left it: stated names in level1/level2, no stated columns filled
        con.execute("UPDATE indicators SET level1 = level1_stated, level2 = level2_stated, "
                    "level1_stated = NULL, level2_stated = NULL")
        con.execute("UPDATE meta SET value = 'old' WHERE key = 'schema_version'")
        con.execute("UPDATE meta SET value = '9' WHERE key = 'rollups_version'")
        con.execute("DELETE FROM rollup_indicators")
        con.execute("INSERT INTO rollup_indicators SELECT coalesce(e.region, ''), coalesce(e.unit, ''), "
                    "coalesce(e.year, 0), coalesce(e.scope, ''), coalesce(e.source_kind, ''), coalesce(i.level1, ''), "
                    "coalesce(i.level2, ''), count(*), count(*) FILTER (WHERE i.score < i.weight), sum(i.weight), "
                    "sum(i.score) FROM indicators i JOIN evaluations e USING (eval_id) "
                    "WHERE i.weight IS NOT NULL AND i.score IS NOT NULL GROUP BY ALL")
        assert "产出" in _levels(con)
        store.ensure_schema(con)
        levels = _levels(con)
        n_stated = con.execute("SELECT count(*) FROM indicators WHERE level1 IS NOT NULL AND level1_stated IS NULL"
                               ).fetchone()[0]
        rolled = {r for (r,) in con.execute("SELECT DISTINCT level1 FROM rollup_indicators").fetchall()}
        version = con.execute("SELECT value FROM meta WHERE key = 'rollups_version'").fetchone()[0]
    finally:
        con.close()
    assert "产出" not in levels and "产出指标（50分）" not in levels and "产出指标" in levels
    assert n_stated == 0
    assert "产出" not in rolled and "产出指标" in rolled and version == rollups.ROLLUPS_VERSION

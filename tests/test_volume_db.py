"""The volume database the dashboard's at-scale tests run on: every report of the repository
(samples, general, holdout*, written) loaded together through the real ingest CLI."""
from __future__ import annotations

import duckdb


def test_volume_db_has_the_size_of_a_real_review(volume_db):
    con = duckdb.connect(str(volume_db), read_only=True)
    try:
        n, units, years, docs = con.execute(
            "SELECT count(*), count(DISTINCT unit), count(DISTINCT year), "
            "(SELECT count(*) FROM documents) FROM evaluations").fetchone()
        with_progress = con.execute("SELECT count(DISTINCT eval_id) FROM spending_progress").fetchone()[0]
    finally:
        con.close()
    assert n >= 150 and units >= 25 and years >= 5, (n, units, years)
    assert docs >= 60
    assert with_progress >= 5  # 支出进度 has something to draw at volume

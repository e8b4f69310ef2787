-- Whether the database has the classification columns of findings (finding_key, match_score,
-- category_source) and the finding_corrections table; a database written by an older perfeval
-- gets them with the next ingest or `perfeval reclassify`. Parameters: none.
SELECT (SELECT count(*) FROM duckdb_columns()
        WHERE database_name = current_database() AND table_name = 'findings'
          AND column_name IN ('finding_key', 'match_score', 'category_source')) = 3
   AND (SELECT count(*) FROM duckdb_tables()
        WHERE database_name = current_database() AND table_name = 'finding_corrections') = 1 AS ready

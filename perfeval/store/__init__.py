"""The DuckDB file and its one writer: schema and migrations, batches of documents, rollups kept in
every write transaction, who acts and the audit trail, corrections, backups."""

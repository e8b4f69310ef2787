"""Reading documents: file bytes → blocks with line numbers (readers) → candidate evaluations
(extractors) → one evaluation per object with consistency checks (context, assemble, validate).
Knows nothing of the database or the dashboard."""

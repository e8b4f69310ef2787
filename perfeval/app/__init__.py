"""The Streamlit dashboard's side: the one data-access module (dbread, queries/*.sql), sign-in and
scope, page helpers, the briefing pack and uploads."""

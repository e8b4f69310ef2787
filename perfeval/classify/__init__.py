"""Classifying problem statements: the editable taxonomy (taxonomy) and key terms of weak problems
and of advice (themes)."""

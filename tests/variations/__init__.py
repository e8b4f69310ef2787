"""Metamorphic tests of extraction: the same document written another way must give the same records.

base.py captures the block lists (and truth) the fixture generators build; kinds.py rewrites them
the ways real documents differ (money unit, label wording, column order, prose vs table, …);
render.py writes blocks as docx/xlsx/pdf/html/txt; compare.py says what must stay equal;
runner.py ties them together, and ``python -m tests.variations`` prints the pass rates.
"""

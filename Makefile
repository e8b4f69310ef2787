# Two entry points for a fresh machine (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/perfeval.duckdb
PORT ?= 8501
# The dashboard listens on this machine only; HOST=0.0.0.0 serves the network (see README, 账号与权限).
HOST ?= 127.0.0.1

.PHONY: run test setup setup-dev lint

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

# Set up, load the bundled sample reports (already loaded files are skipped), print how to sign in
# (the first run creates the account admin and prints its password once) and start the dashboard.
run: setup
	$(PY) -m perfeval ingest data/samples --db $(DB)
	$(PY) -m perfeval user first-admin --db $(DB)
	PERFEVAL_DB=$(DB) $(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(HOST)

# Set up and run every test (browser tests need Debian's chromium and fonts-noto-cjk: .ci/run installs them).
test: setup-dev
	$(PY) -m pytest -q

lint: setup-dev
	$(PY) -m ruff check .

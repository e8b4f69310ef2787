# Two entry points for a fresh machine (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/perfeval.duckdb
PORT ?= 8501
# The dashboard listens on this machine only; HOST=0.0.0.0 serves the network (see docs/operations.md, 账号与权限).
HOST ?= 127.0.0.1

.PHONY: run test setup setup-dev lint system-deps system-deps-test

# Debian packages the product needs: LibreOffice reads .doc/.xls/.wps/.et; the tests also drive a real
# Chromium and take screenshots with CJK fonts. Installed with apt-get when missing (as root, or via sudo).
APT_RUN := libreoffice-writer-nogui libreoffice-calc-nogui
APT_TEST := $(APT_RUN) chromium fonts-noto-cjk
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	    echo "installing Debian packages:$$missing"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "please install:$$missing (no apt-get here)"; fi; \
	fi
endef

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "cannot create $(VENV): on Debian/Ubuntu install python3-venv first (sudo apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

system-deps:
	$(call apt_install,$(APT_RUN))

system-deps-test:
	$(call apt_install,$(APT_TEST))

# Set up, load the bundled sample reports (already loaded files are skipped), print how to sign in
# (the first run creates the account admin and prints its password once) and start the dashboard.
run: setup system-deps
	$(PY) -m perfeval ingest data/samples --db $(DB)
	$(PY) -m perfeval user first-admin --db $(DB)
	PERFEVAL_DB=$(DB) $(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(HOST)

# Set up and run every test (with the Debian packages above).
test: setup-dev system-deps-test
	$(PY) -m pytest -q

lint: setup-dev
	$(PY) -m ruff check .

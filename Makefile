# Wenfang (问访) — every command a newcomer needs. See README.md.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test bench lint audit lock translations messages system-deps model clean

## install: create .venv and install the project with its test and dev tools, at the
## versions in constraints.txt (what CI tested; `make lock` writes it again)
install: $(VENV)/.installed translations

$(VENV)/.installed: setup.cfg pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade -c constraints.txt pip setuptools wheel
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

## lock: resolve setup.cfg afresh in a throwaway venv and write every version to constraints.txt
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip "setuptools>=68,<82" wheel
	.lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Every package make install uses, at the version CI tested. Written by make lock;"; \
	  echo "# edit setup.cfg, then run make lock, never this file by hand."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | LC_ALL=C sort -f; } > constraints.txt
	rm -rf .lock-venv

## translations: compile the message catalogues (zh_CN, en)
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy --statistics -d app/translations

instance/config.py:
	mkdir -p instance
	$(PY) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "instance/config.py created with a new secret key"

## run: install, migrate, seed the demo study once, and serve http://$(HOST):$(PORT)
run: install instance/config.py
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) run --host $(HOST) --port $(PORT)

## system-deps: Debian packages the browser tests, chart tests and PDF reports need (needs root):
## Pango for WeasyPrint, poppler-utils (pdftotext, pdftoppm) for the report tests, GNU PSPP for
## the test that reads the SPSS export back
system-deps:
	@$(PYTHON) -c "import shutil,sys; sys.exit(0 if shutil.which('chromium') and shutil.which('fc-list') and shutil.which('node') and shutil.which('pdftotext') and shutil.which('pdftoppm') and shutil.which('pspp') else 1)" \
	  && $(PYTHON) -c "import ctypes.util,sys; sys.exit(0 if ctypes.util.find_library('pango-1.0') and ctypes.util.find_library('pangoft2-1.0') else 1)" \
	  && fc-list :lang=zh | grep -q . \
	  || { if [ "$$(id -u)" = 0 ]; then \
	         apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig nodejs libpango-1.0-0 libpangoft2-1.0-0 poppler-utils pspp >/dev/null; \
	       else echo "system-deps: not root, skipping apt (browser tests will be skipped)"; fi; }

## test: install everything the suite needs and run it (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
test: install system-deps
	$(PY) -m pytest

## bench: run every script in tests/benchmarks (not part of make test); figures go to docs/benchmarks.md
bench: install
	@set -e; for script in tests/benchmarks/[a-z]*.py; do echo "== $$script"; $(PY) $$script; done

## model: rebuild the shipped sentiment model from ../shared/data/sentiment (reproducible)
model: install
	$(PY) -m analysis.text.sentiment_train --data ../shared/data/sentiment/reviews_9_categories.csv

## lint: ruff check and format check, mypy (strict on surveys/ and analysis/; setup.cfg), and
## bandit (pyproject.toml; each finding left is justified in SECURITY.md)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -c pyproject.toml -q -r app surveys analysis migrations wsgi.py

## audit: known vulnerabilities of every pinned package (pip-audit, needs PyPI): fails on a
## vulnerability, warns when the service cannot be reached (WENFANG_AUDIT_REQUIRED=1: fails)
audit: install
	$(PY) .ci/audit.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info

## messages: extract user-facing strings and update the zh_CN / en catalogues
messages: install
	$(VENV)/bin/pybabel extract -F app/translations/babel.cfg -k _l -k lazy_gettext \
	  --no-location --sort-output --project Wenfang -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update --ignore-obsolete -i app/translations/messages.pot -d app/translations

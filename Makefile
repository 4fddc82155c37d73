# Two commands: `make run` (service with demo data on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export PATHWAYS_ENV ?= development

.PHONY: run test install install-test translations messages db reference demo benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# Catalogs are compiled at build time; without the .mo files Flask-Babel silently shows English.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d pathways/translations 2>&1 | tail -n 3

db: install
	$(BIN)/pathways db upgrade

reference: db
	$(BIN)/pathways load-reference

# Demo data, then one matching round published as offers, so the pages have something to show.
demo: reference
	$(BIN)/pathways seed-demo
	$(BIN)/pathways match --now --publish --unless-done

# The demo's placement history covers the past twelve months (seed-demo --history): the demo's
# target window starts with it, on the first day of the month a year ago, so the progress
# pages show that year and a forecast. Set PATHWAYS_TARGET_START yourself to choose another.
DEMO_TARGET_START := $(shell $(PYTHON) -c "import datetime as d; t = d.date.today(); m = t.year * 12 + t.month - 13; print(d.date(m // 12, m % 12 + 1, 1))")
run: export PATHWAYS_TARGET_START ?= $(DEMO_TARGET_START)
run: demo
	@echo "Pathways on http://$(HOST):$(PORT)  (Ctrl-C stops the web server and the worker)"
	@echo "Target window from $$PATHWAYS_TARGET_START (the demo's history); see /progress/"
	@$(BIN)/pathways worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --timeout 120 wsgi:app

test: install-test
	$(BIN)/ruff check pathways matching tests
	$(BIN)/mypy matching
	$(BIN)/pytest

benchmarks: install-test
	$(BIN)/python tests/benchmarks/run_all.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache

# Developers: refresh the catalogs after changing user-visible text, then translate es/fr.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k error:2 -k warn:2 -k ImportFormatError -k VacancyError:2 -k ServiceError:2 -k ApplicantError:2 -k PlacementError:2 -k CapError -k Refusal:2 -k ChangeError:2 --ignore-dirs='.venv .* instance tests data' -o pathways/translations/messages.pot .
	$(BIN)/pybabel update -w 100 -i pathways/translations/messages.pot -d pathways/translations

# The two commands of the quick start are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install install-dev translations messages clean docker-lint docker-smoke browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The .mo files are built, not committed: compile them whenever a catalogue changed.
LOCALE_PO := $(wildcard locale/*/LC_MESSAGES/django.po)
LOCALE_MO := $(LOCALE_PO:.po=.mo)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	scripts/ensure-gettext.sh
	msgfmt --check -o $@ $<
translations: $(LOCALE_MO)

## make messages: refresh the catalogues from the code, then translate locale/zh_Hans/…/django.po
messages: install
	scripts/ensure-gettext.sh
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l zh_Hans -l en --no-obsolete --no-location \
		--ignore=.venv --ignore=var --ignore=staticfiles --ignore=tests --ignore=scripts

## make run: install, migrate, load the sample bank (never overwriting an edit), then serve on
## http://127.0.0.1:8000 with a task worker beside the server (Ctrl-C stops both)
run: export DJANGO_DEBUG ?= 1
run: install translations
	$(MANAGE) migrate --noinput
	$(MANAGE) load_sample_bank
	scripts/serve-with-worker.sh $(BIN)/python $(HOST):$(PORT)

## make test: install the dev requirements and run the whole suite (honours DATABASE_URL)
test: install-dev translations browser-deps
	$(BIN)/pytest

# The browser tests' Debian chromium (installed as root or with sudo, else how to is printed),
# axe-core (npm, into the git-ignored var/node), and Java for the W3C Nu checker of
# tests/test_html_valid.py; each script returns at once when it is there.
browser-deps:
	@scripts/ensure-chromium.sh
	@scripts/ensure-axe.sh
	@scripts/ensure-java.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make docker-lint: hadolint the Dockerfile, validate docker-compose.yml against the compose spec
docker-lint: install-dev
	$(BIN)/hadolint -t warning Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

## make docker-smoke: the Dockerfile's steps in a fresh virtualenv, then checks against gunicorn
docker-smoke:
	scripts/docker-smoke.sh

## make bench: load-test the main pages on SQLite and PostgreSQL with 1,000,000 generated attempts
## (BENCH_DB=sqlite|postgres for one, BENCH_ATTEMPTS=10000 for the small data); see docs/BENCHMARKS.md
.PHONY: bench
bench: install
	scripts/bench.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

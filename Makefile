# Baladiya: developer and CI entry points (GNU make).
#
#   make install    .venv from requirements.lock (pinned), then baladiya itself (editable)
#   make run        install, migrate the SQLite database in var/, seed the demo, serve on :8000
#   make test       the whole suite: ruff, ruff format --check, mypy, makemigrations --check,
#                   pytest, then pytest -m browser in a second process (Debian's Chromium)
#   make pytest     only the two pytest runs
#   make lint       ruff check + ruff format --check + mypy
#   make fmt        ruff format + ruff check --fix
#   make messages   makemessages (ar, fr, kab) into baladiya/locale, then compilemessages
#   make bench      bench/run.py, if there is one
#   make lock       regenerate requirements.lock from pyproject.toml (with uv)
#   make clean      caches and build leftovers (keeps .venv and the data in var/)
#   make distclean  clean, and remove .venv too
#
# Variables: VENV (default .venv), PYTHON (a Python 3.11 to build it with), PORT (8000), HOST,
# PYTEST_ARGS (added to both pytest runs), XDIST (e.g. XDIST="-n auto", non-browser run only).
# DATABASE_URL and REDIS_URL pass through the environment to the settings (SQLite without).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules --warn-undefined-variables
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?=
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
XDIST ?=
# The uv that wrote requirements.lock; installed into the venv from PyPI with pip.
UV_VERSION ?= 0.13.9

PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

# uv: never fetch an interpreter (the network reaches PyPI only); trust the system's CA store
# (/etc/ssl/certs, as pip is told to here), not only uv's bundled roots; copy, don't hardlink.
export UV_PYTHON_DOWNLOADS := never
export UV_SYSTEM_CERTS := 1
export UV_LINK_MODE ?= copy
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Runs each step, keeps going after a failure, and fails at the end listing what failed.
STEPS_BEGIN = failed=(); step() { printf '\n==> %s\n' "$$*"; "$$@" || failed+=("$$* (exit $$?)"); }
STEPS_END = if (( $${\#failed[@]} )); then printf '\nFAILED:\n'; printf '  %s\n' "$${failed[@]}"; exit 1; fi; printf '\nAll steps passed.\n'

.PHONY: help venv install run test pytest lint fmt messages bench lock clean distclean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# --- install -------------------------------------------------------------------------------

$(PY):
	@py=""
	for cand in $(PYTHON) python3.11 python3; do
	  if command -v "$$cand" >/dev/null 2>&1 \
	    && "$$cand" -c 'import sys; raise SystemExit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
	    py=$$(command -v "$$cand"); break
	  fi
	done
	if [[ -z "$$py" ]]; then
	  found=$$(python3 --version 2>/dev/null || echo "missing")
	  echo "error: Baladiya needs Python 3.11: found no python3.11, and python3 is: $$found." >&2
	  echo "       Install Python 3.11, or point to one: make PYTHON=/path/to/python3.11 ..." >&2
	  exit 1
	fi
	echo "Creating $(VENV) with $$py ($$("$$py" --version 2>&1))"
	"$$py" -m venv "$(VENV)"

$(UV): | $(PY)
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --default-pip
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"

# The stamp is newer than the lock and pyproject.toml once they are installed: a second
# `make run` or `make test` installs nothing.
$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --python "$(PY)" -r requirements.lock
	$(UV) pip install --python "$(PY)" --no-deps -e .
	touch "$@"

venv install: $(STAMP)

var:
	mkdir -p var

# --- run -----------------------------------------------------------------------------------

REGISTRY_PORT ?= 8765

# The reference registry service (fictional civil-status and NIN records) runs beside the app,
# so that instant processing of civil-status extracts works as it would against the real one.
run: $(STAMP) | var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(PY) -m baladiya.registries.reference_server --host 127.0.0.1 --port $(REGISTRY_PORT) \
	  > var/registry.log 2>&1 &
	registry=$$!
	# Without a broker, this loop retries what could not be delivered at once, and sends
	# reminders (production runs Celery workers and beat instead).
	$(MANAGE) deliver_outbox --loop > var/outbox.log 2>&1 &
	outbox=$$!
	trap 'kill $$registry $$outbox 2>/dev/null' EXIT INT TERM
	echo "Reference registry service: http://127.0.0.1:$(REGISTRY_PORT) (log in var/registry.log)"
	echo "Messages: SMS and emails are printed here; retries and reminders log to var/outbox.log"
	BALADIYA_REGISTRY_URL="$${BALADIYA_REGISTRY_URL:-http://127.0.0.1:$(REGISTRY_PORT)}" \
	  $(MANAGE) runserver "$(HOST):$(PORT)"

# --- checks --------------------------------------------------------------------------------

# Browser tests run in a pytest process of their own: Playwright's sync API leaves an event
# loop running in the main thread for the rest of the session, which would change how every
# later test sees async code.
test: $(STAMP) | var
	@$(STEPS_BEGIN)
	step $(VENV)/bin/ruff check .
	step $(VENV)/bin/ruff format --check .
	step $(VENV)/bin/mypy baladiya
	step $(MANAGE) makemigrations --check --dry-run
	step $(VENV)/bin/pytest -m "not browser" $(XDIST) $(PYTEST_ARGS)
	step $(VENV)/bin/pytest -m browser $(PYTEST_ARGS)
	$(STEPS_END)

pytest: $(STAMP) | var
	@$(STEPS_BEGIN)
	step $(VENV)/bin/pytest -m "not browser" $(XDIST) $(PYTEST_ARGS)
	step $(VENV)/bin/pytest -m browser $(PYTEST_ARGS)
	$(STEPS_END)

lint: $(STAMP)
	@$(STEPS_BEGIN)
	step $(VENV)/bin/ruff check .
	step $(VENV)/bin/ruff format --check .
	step $(VENV)/bin/mypy baladiya
	$(STEPS_END)

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Run from inside baladiya/ so that neither the venv, the tests nor var/ are scanned; every
# message lands in LOCALE_PATHS[0] = baladiya/locale.
messages: $(STAMP)
	@command -v xgettext >/dev/null || { echo "error: gettext is missing: apt-get install gettext" >&2; exit 1; }
	cd baladiya
	"$(abspath $(PY))" ../manage.py makemessages -l ar -l fr -l kab \
	  --ignore '.venv' --ignore 'locale' --ignore 'static' --ignore '__pycache__'
	"$(abspath $(PY))" ../manage.py compilemessages -l ar -l fr -l kab --ignore '.venv'

bench: $(STAMP)
	@if [[ -f bench/run.py ]]; then
	  $(PY) bench/run.py
	else
	  echo "No benchmark yet (bench/run.py does not exist)."
	fi

lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis test-results staticfiles build \
	  *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Also removes the virtual environment (never var/, which holds the development database).
distclean: clean
	rm -rf "$(VENV)"

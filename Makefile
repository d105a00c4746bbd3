# Two commands on a fresh machine (Python 3.11+):
#   make demo   # creates .venv, installs .[demo], runs the offline demo (emulated AWS account, ~10 s)
#   make test   # creates .venv, installs .[test] (non-editable), runs the test suite on 2 workers
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install -q '.[demo]'
	$(BIN)/questionnaire demo --out demo-out

# `python -m pytest` puts the checkout on sys.path: the tests import helpers as `tests.*`.
test: $(BIN)/python
	$(BIN)/python -m pip install -q '.[test]'
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider
	@# packaging smoke test: the installed wheel works outside the checkout (templates shipped inside it)
	cd "$${TMPDIR:-/tmp}" && "$(CURDIR)/$(BIN)/python" -I -c "from questionnaire.resources import templates_dir; from questionnaire.catalog import load_catalog; d = templates_dir(); assert 'site-packages' in str(d), d; print('installed wheel ships', len(load_catalog()), 'catalog entries from', d)"

clean:
	rm -rf $(VENV) build dist demo-out

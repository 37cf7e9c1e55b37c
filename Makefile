# Two commands: `make demo` and `make test`. Each creates .venv and installs exactly the versions
# in requirements.lock (what CI tested) before it runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pairaid demo --out pairaid-demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Re-resolve the pinned versions from pyproject.toml's ranges (run on purpose, then commit).
lock:
	rm -rf /tmp/pairaid-lock && $(PYTHON) -m venv /tmp/pairaid-lock
	/tmp/pairaid-lock/bin/pip install --quiet '.[test]'
	( echo "# Exact versions CI tested; \`make\` installs from this file. Regenerate: make lock"; \
	  /tmp/pairaid-lock/bin/pip freeze --exclude pairaid ) > requirements.lock

clean:
	rm -rf $(VENV) pairaid-demo .pytest_cache

# Two commands: `make demo` and `make test`. Each creates .venv and installs exactly the versions
# in requirements.lock (what CI tested) before it runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench lock clean system-packages mutation

# The report's PDF and browser tests use Debian's Chromium; its Chinese charts need the Noto CJK
# fonts; pdftoppm (poppler-utils) rasterises PDF pages in the tests. Installed when missing and
# this user may (root, or password-less sudo); otherwise those tests skip and say why.
DEBIAN_PACKAGES := chromium chromium-driver fonts-noto-cjk fonts-liberation poppler-utils
system-packages:
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null && \
	    [ -d /usr/share/fonts/opentype/noto ] && [ -d /usr/share/fonts/truetype/liberation ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing $(DEBIAN_PACKAGES) from Debian (once) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null; \
	elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null; \
	else \
	  echo "note: install $(DEBIAN_PACKAGES) for the report's PDF and browser tests"; \
	fi

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP) system-packages
	$(BIN)/pairaid demo --out pairaid-demo
	$(BIN)/pairaid report --db pairaid-demo/demo.db -o pairaid-demo/report \
	  $$(command -v chromium >/dev/null && echo --pdf)

# One BLAS thread: the bootstraps' many small matrix products ran ~30x slower with OpenBLAS's
# default threads on this 2-core machine (Sun-Abraham's 99 draws: 3.5 s instead of 0.09 s).
# Three workers (pytest-xdist) on the two cores, one test file at a time each, so a module's
# fixtures (a demo ledger, a built report) are made once per file; --durations lists the slowest
# in the CI log. Three, not two: the tests wait on PostgreSQL, Chromium and servers they start
# for much of the time. Measured 2026-12-07: two workers 662 s wall, 852 s CPU (while another
# session's benchmark shared the machine, so not a clean comparison); three workers 526 s wall,
# 902 s CPU (machine otherwise idle); a clean-clone CI run with three: 487 s of tests.
# --no-loadscope-reorder keeps the order tests/conftest.py gives (slowest files first) instead
# of xdist's (files with the most tests first), so no long file is left to run alone at the end.
TEST_WORKERS ?= 3
test: $(STAMP) system-packages
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile \
	  --no-loadscope-reorder --durations=25

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Mutation testing (not part of `make test`): mutmut over the statistics and import modules
# listed in pyproject.toml's [tool.mutmut], each mutant run against only the selected tests that
# call the mutated function. All ~28,000 mutants would take about a day here, so by default a
# seeded random sample of MUTATION_SAMPLE mutants from each module (each only_mutate pattern) is
# run, and the kill rate is reported per module with a 95 % interval (scripts/mutation_sample.py;
# MUTATION_SAMPLE=0 runs them all). The script lists every mutant as mutmut does but writes out
# only the ones to be run (mutmut writing all of them took 16 of the 70 minutes). MUTANTS
# replaces the sample with names or patterns, e.g.
#   make mutation MUTANTS='pairaid.money*'
# The table goes to mutants/report.md, the survivors with their diffs to mutation-survivors.txt
# (mutants judged equivalent, listed in docs/mutation-equivalent.txt, are left out of it).
MUTANTS ?=
MUTATION_SAMPLE ?= 25
MUTATION_SEED ?= 17
MUTMUT := env -u PYTHONPATH OPENBLAS_NUM_THREADS=1 nice -n 10 $(BIN)
# every mutant (MUTATION_SAMPLE=0, no MUTANTS): mutmut run without names runs all not yet run
MUTATION_ALL := $(if $(MUTANTS),,$(filter 0,$(MUTATION_SAMPLE)))
mutation: $(STAMP)
	mkdir -p mutants
	set -f; $(MUTMUT)/python scripts/mutation_sample.py generate -n $(MUTATION_SAMPLE) \
	  --seed $(MUTATION_SEED) $(if $(MUTANTS),--mutants $(MUTANTS)) --out mutants/sample.txt
	$(MUTMUT)/mutmut run --max-children 2 $(if $(MUTATION_ALL),,$$(cat mutants/sample.txt))
	$(MUTMUT)/python scripts/mutation_sample.py report --survivors mutants/survivors.txt \
	  | tee mutants/report.md
	( cat mutants/report.md; echo; for m in $$(cat mutants/survivors.txt); do \
	    $(MUTMUT)/mutmut show $$m; echo; done ) > mutation-survivors.txt
	@echo "surviving mutants: mutation-survivors.txt"

# Re-resolve the pinned versions from pyproject.toml's ranges (run on purpose, then commit).
lock:
	rm -rf /tmp/pairaid-lock && $(PYTHON) -m venv /tmp/pairaid-lock
	/tmp/pairaid-lock/bin/pip install --quiet '.[test]'
	( echo "# Exact versions CI tested; \`make\` installs from this file. Regenerate: make lock"; \
	  /tmp/pairaid-lock/bin/pip freeze --exclude pairaid ) > requirements.lock

clean:
	rm -rf $(VENV) pairaid-demo .pytest_cache mutants mutation-survivors.txt

# referat: two commands do all the set-up on a fresh machine.
#   make demo   creates .venv, installs, runs the pipeline on corpora/ into out/
#   make test   installs and runs the tests
# `make setup` is their common, idempotent step.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: setup demo test test-fast browser bench clean

setup: $(STAMP)

# torch comes first and pinned: the CPU wheel lies on disk, and anything that
# pulls torch unpinned would fetch gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[all,dev]"
	touch $(STAMP)

demo: setup
	mkdir -p out
	$(BIN)/referat process corpora/minutes -o out/corpora.jsonl; \
	  status=$$?; test $$status -le 1 || exit $$status
	$(BIN)/referat review out/corpora.jsonl -o out/review.html
	$(BIN)/referat index out/corpora.jsonl --db out/archive.sqlite
	@echo "demo: out/corpora.jsonl (records), out/review.html (open in a browser), out/archive.sqlite (referat search QUERY --db out/archive.sqlite)"

# The browser test drives Debian's chromium; install it where we may.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "make: $(CHROMIUM) missing and not root: the browser test will be skipped"; fi; }

test: setup browser
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: setup
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_decide.py

clean:
	rm -rf out .pytest_cache test-artifacts

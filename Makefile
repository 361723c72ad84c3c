# referat: two commands do all the set-up on a fresh machine.
#   make demo   creates .venv, installs, runs the pipeline on corpora/ into out/
#   make test   installs and runs the tests
# `make setup` is their common, idempotent step.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
TESSDATA := /usr/share/tesseract-ocr/5/tessdata/dan.traineddata

.PHONY: setup demo test test-fast browser tesseract bench clean ner-model segmenter-model

setup: $(STAMP) tesseract

# OCR of scanned minutes needs Tesseract and its Danish model (Debian packages);
# install them where we may, else say what to install (OCR tests then skip).
tesseract:
	@{ command -v tesseract >/dev/null && test -f $(TESSDATA); } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-dan >/dev/null; \
	  else echo "make: Tesseract missing and not root: run 'apt-get install tesseract-ocr tesseract-ocr-dan' for OCR of scans (OCR tests will be skipped)"; fi; }

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
	$(BIN)/referat process corpora/minutes -o out/corpora.jsonl --force; \
	  status=$$?; test $$status -le 1 || exit $$status
	$(BIN)/referat review out/corpora.jsonl -o out/review.html --force
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
	$(BIN)/python bench/bench_annotate.py
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_ocr.py
	$(BIN)/python bench/bench_archive.py
	$(BIN)/python bench/bench_decide.py

# Reproduces models/ner: spaCy's training loop on DaN+ news (../shared/corpora/ner) with
# configs/ner.cfg, one seed after another, the best on DaN+ news dev shipped with its card.
# Minutes per seed on free cores; about an hour per seed on two shared ones.
ner-model: setup
	nice -n 10 $(BIN)/referat train ner --data ../shared/corpora/ner -o models/ner \
	  --seed 0 --seed 1 --seed 2 --force

# A heading model (models/segmenter/, used by `--segmenter default` once built): Greve's
# meetings (../shared/corpora, not part of this repository) printed in every layout of
# configs/renderings.toml (about 11 minutes on two shared cores). Not shipped: see
# docs/decisions.md, "The heading model". bench/eval_segmenter.py gives its figures.
segmenter-model: setup
	nice -n 10 $(BIN)/referat train segmenter ../shared/corpora/greve -o models/segmenter --force --seed 0

clean:
	rm -rf out .pytest_cache test-artifacts

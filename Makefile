# nahr — make targets. `make demo` and `make test` are all a new user needs.
# Every target builds or installs what it needs (cargo for Rust, .venv for Python).

SHELL      := /bin/bash
CARGO      ?= cargo
PYTHON     ?= python3
SHARED     ?= ../shared
VENV       := .venv
VENV_PY    := $(VENV)/bin/python
NAHR       := target/release/nahr
NAHR_DEBUG := target/debug/nahr
THREADS    ?= 0

# `make corpus INPUT=... OUTPUT=... [PIPELINE=...]`
INPUT    ?=
OUTPUT   ?= out
PIPELINE ?=

.PHONY: bench-run help demo test test-rust test-python lint fmt clippy corpus bench venv build schema-doc clean-out FORCE

help:
	@echo "make demo      build nahr and run it on the bundled sample corpus (samples/), then query the output with DuckDB"
	@echo "make test      formatting, clippy, cargo tests, the Python/DuckDB consumer check, and the Spark tests"
	@echo "make corpus INPUT=path OUTPUT=dir [PIPELINE=pipelines/x.toml]   run nahr on your own pages"
	@echo "make bench     criterion benchmarks (speed is measured here, never asserted in tests)"
	@echo "make bench-run nahr run throughput and peak RSS on wcxb-dev (1, 2 threads, corpus x5)"
	@echo "make lint      cargo fmt --check and clippy -D warnings"
	@echo
	@echo "Evaluation, models and benchmarks (they read ../shared/data):"
	@grep -h "^#   make" mk/*.mk | sed 's/^#   /  /'


# Always ask cargo: it knows whether the binary is up to date.
$(NAHR): FORCE
	$(CARGO) build --release --bin nahr

$(NAHR_DEBUG): FORCE
	$(CARGO) build --bin nahr

build: $(NAHR)

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

demo: $(NAHR) venv
	$(NAHR) run --input samples --output demo-out --overwrite --threads $(THREADS)
	$(VENV_PY) scripts/demo_query.py demo-out

corpus: $(NAHR)
	@if [ -z "$(INPUT)" ]; then echo "usage: make corpus INPUT=path [OUTPUT=dir] [PIPELINE=file]"; exit 2; fi
	$(NAHR) run --input $(INPUT) --output $(OUTPUT) --threads $(THREADS) $(if $(PIPELINE),--pipeline $(PIPELINE))

lint: fmt clippy

fmt:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --all-targets --all-features -- -D warnings

test-rust:
	$(CARGO) test

# The consumer check: a real run of the debug binary over the samples and the seed pages, read
# back with DuckDB and pandas; fails on any dtype or offset mismatch.
test-python: venv $(NAHR_DEBUG)
	rm -rf target/consumer-check
	$(NAHR_DEBUG) run --quiet --input samples $(if $(wildcard $(SHARED)/data/seed),--input $(SHARED)/data/seed/article-utf8.html --input $(SHARED)/data/seed/article-windows1256.html) --output target/consumer-check
	$(VENV_PY) scripts/check_output.py target/consumer-check

test: lint test-rust test-python test-spark

schema-doc: $(NAHR_DEBUG)
	$(NAHR_DEBUG) schema > docs/SCHEMA.md

bench:
	$(CARGO) bench

# `nahr run` throughput (1 and 2 threads) and peak RSS, also for the corpus fed 5 times.
BENCH_CORPUS ?= $(SHARED)/data/extraction/wcxb-dev/html
bench-run: $(NAHR)
	scripts/bench_run.sh $(NAHR) $(BENCH_CORPUS)

FORCE:

-include mk/*.mk

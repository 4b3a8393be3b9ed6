# End-to-end speed and memory against the tools users would pick instead (issue: end-to-end).
#
#   make bench-e2e   one invocation: nahr (all stages at 1 and 2 threads, each stage alone),
#                    html5ever parse-only, trafilatura, resiliparse, spaCy's rule tokenizer and
#                    trafilatura + spaCy on wcxb-dev and on a generated 20,000-page Arabic WARC;
#                    prints the table and writes docs/PERFORMANCE.md.
#                    E2E_FLAGS="--remeasure resiliparse" measures a cached Python yardstick again.
#                    nahr and resiliparse run 3 times per corpus (rows: the median run);
#                    E2E_FLAGS="--repeat N" changes that.

BENCH_VENV    := .venv-bench
BENCH_PY      := $(BENCH_VENV)/bin/python
E2E_PAGES     ?= 20000
E2E_ARABIC    := target/bench/arabic-$(E2E_PAGES).warc.gz
YARDSTICKS    := target/release/nahr-yardsticks

.PHONY: bench-e2e bench-venv

bench-venv: $(BENCH_VENV)/.installed
$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

$(E2E_ARABIC): scripts/make_arabic_corpus.py
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/make_arabic_corpus.py $(SHARED)/data $@ --pages $(E2E_PAGES)

$(YARDSTICKS): FORCE
	cd benches/yardsticks && CARGO_TARGET_DIR=$(CURDIR)/target $(CARGO) build --release

bench-e2e: $(NAHR) $(YARDSTICKS) bench-venv $(E2E_ARABIC)
	$(PYTHON) scripts/bench_e2e.py --nahr $(NAHR) --parse-only $(YARDSTICKS) --python $(BENCH_PY) \
		--corpus "WCXB dev (English, 7 page types)=$(SHARED)/data/extraction/wcxb-dev/html:en" \
		--corpus "Arabic news, $(E2E_PAGES) generated pages (WARC)=$(E2E_ARABIC):ar" \
		--out docs/PERFORMANCE.md $(E2E_FLAGS)

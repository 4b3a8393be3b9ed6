# Main-content extraction (the `clean` stage): quality and speed.
#
#   make eval-extract   nahr run (extract-only pipeline) on wcxb-dev and arabic-dev, scored with
#                       ../shared/tools/score_extraction.py (--by page_type / --by lang), plus the
#                       share of arabic-dev pages whose `published` falls on the truth's day
#   make bench-extract  one run timing nahr's extractor against html5ever parsing alone and the
#                       rs-trafilatura crate (benches/yardsticks, its own workspace), then the
#                       criterion bench of the clean stage (benches/clean.rs)

EXTRACT_DATA := $(SHARED)/data/extraction
EXTRACT_OUT  ?= target/eval-extract

.PHONY: eval-extract bench-extract

eval-extract: $(NAHR) venv
	@mkdir -p $(EXTRACT_OUT)
	$(NAHR) run --input $(EXTRACT_DATA)/wcxb-dev/html --output $(EXTRACT_OUT)/wcxb-dev \
		--pipeline pipelines/extract-only.toml --overwrite
	@echo "== WCXB dev (English, 7 page types)"
	$(VENV_PY) $(SHARED)/tools/score_extraction.py $(EXTRACT_DATA)/wcxb-dev $(EXTRACT_OUT)/wcxb-dev --by page_type
	$(NAHR) run --input $(EXTRACT_DATA)/arabic-dev/html --output $(EXTRACT_OUT)/arabic-dev \
		--pipeline pipelines/extract-only.toml --overwrite
	@echo "== arabic-dev (Arabic, Persian, Urdu news)"
	$(VENV_PY) $(SHARED)/tools/score_extraction.py $(EXTRACT_DATA)/arabic-dev $(EXTRACT_OUT)/arabic-dev --by lang
	$(VENV_PY) scripts/check_published.py $(EXTRACT_DATA)/arabic-dev $(EXTRACT_OUT)/arabic-dev

bench-extract:
	cd benches/yardsticks && CARGO_TARGET_DIR=$(CURDIR)/target $(CARGO) run --release -- \
		$(abspath $(EXTRACT_DATA)/wcxb-dev) $(abspath $(EXTRACT_DATA)/arabic-dev)
	$(CARGO) bench --bench clean

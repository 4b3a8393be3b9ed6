# Main-content extraction (the `clean` stage): quality and speed.
#
#   make eval-extract   nahr run (extract-only pipeline) on wcxb-dev and arabic-dev, scored with
#                       ../shared/tools/score_extraction.py (--by page_type / --by lang), plus the
#                       share of arabic-dev pages whose `published` falls on the truth's day
#   make eval-extract-cv  the learned block scorer (off by default, docs/EXTRACT-BLOCKS.md):
#                       5-fold cross-validation by site on wcxb-dev (each fold extracted by a
#                       model trained on the other four, all 1,358 held-out outputs scored
#                       together), then arabic-dev with the shipped model (trained on all of
#                       wcxb-dev; arabic-dev is never training data)
#   make blocks-model   retrains models/extract/blocks.gbt on wcxb-dev (fixed seed)
#   make bench-extract  one run timing nahr's extractor against html5ever parsing alone and the
#                       rs-trafilatura crate (benches/yardsticks, its own workspace), then the
#                       criterion bench of the clean stage (benches/clean.rs)

EXTRACT_DATA := $(SHARED)/data/extraction
EXTRACT_OUT  ?= target/eval-extract

.PHONY: eval-extract eval-extract-cv blocks-model bench-extract

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

eval-extract-cv: $(NAHR) venv
	@mkdir -p $(EXTRACT_OUT)
	rm -rf $(EXTRACT_OUT)/wcxb-dev-cv
	$(NAHR) train-blocks --data $(EXTRACT_DATA)/wcxb-dev --cv 5 --cv-out $(EXTRACT_OUT)/wcxb-dev-cv
	@echo "== WCXB dev, learned block scorer, 5-fold cross-validation by site (held-out outputs)"
	$(VENV_PY) $(SHARED)/tools/score_extraction.py $(EXTRACT_DATA)/wcxb-dev $(EXTRACT_OUT)/wcxb-dev-cv --by page_type
	$(NAHR) run --input $(EXTRACT_DATA)/arabic-dev/html --output $(EXTRACT_OUT)/arabic-dev-blocks \
		--pipeline pipelines/extract-blocks.toml --overwrite
	@echo "== arabic-dev, learned block scorer (model trained on all of wcxb-dev)"
	$(VENV_PY) $(SHARED)/tools/score_extraction.py $(EXTRACT_DATA)/arabic-dev $(EXTRACT_OUT)/arabic-dev-blocks --by lang

blocks-model: $(NAHR)
	$(NAHR) train-blocks --data $(EXTRACT_DATA)/wcxb-dev --out models/extract/blocks.gbt

bench-extract:
	cd benches/yardsticks && CARGO_TARGET_DIR=$(CURDIR)/target $(CARGO) run --release -- \
		$(abspath $(EXTRACT_DATA)/wcxb-dev) $(abspath $(EXTRACT_DATA)/arabic-dev)
	$(CARGO) bench --bench clean

# Tokenization: scoring against Universal Dependencies gold, and the Arabic clitic model.
#
#   make eval-tokenize   Tokens / Sentences / Words F1 on UD English-EWT dev and Arabic-PUD (PADT-style
#                        multiword tokens), with ../shared/tools/score_tokens.py
#   make tokenize-data   rebuild data/tokenize/ar-clitics.tsv from data/wordfreq/ar.tsv and the
#                        tokens of ANERcorp train (no UD data is read)

TOK_GOLD := $(SHARED)/data/tok
TOK_OUT  := target/eval-tokenize

.PHONY: eval-tokenize tokenize-data

eval-tokenize: $(NAHR)
	@mkdir -p $(TOK_OUT)
	$(NAHR) tokenize --lang en < $(TOK_GOLD)/en-ewt-dev.txt > $(TOK_OUT)/en-ewt-dev.conllu
	$(NAHR) tokenize --lang ar < $(TOK_GOLD)/ar-pud-dev.txt > $(TOK_OUT)/ar-pud-dev.conllu
	@echo "== English EWT dev"
	$(PYTHON) $(SHARED)/tools/score_tokens.py $(TOK_GOLD)/en-ewt-dev.conllu $(TOK_OUT)/en-ewt-dev.conllu
	@echo "== Arabic PUD (PADT-style clitics)"
	$(PYTHON) $(SHARED)/tools/score_tokens.py $(TOK_GOLD)/ar-pud-mwt-dev.conllu $(TOK_OUT)/ar-pud-dev.conllu

tokenize-data:
	$(PYTHON) scripts/learn_arabic_clitics.py data/wordfreq/ar.tsv $(SHARED)/data/ner/anercorp/train.txt data/tokenize/ar-clitics.tsv

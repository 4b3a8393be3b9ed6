# HTML parser (src/html).
#   make bench-parse   criterion bench: nahr's HTML parser against html5ever on the same pages
#                      (benches/html_parse.rs; parse only, pages/s and MB/s)

.PHONY: bench-parse

bench-parse:
	$(CARGO) bench --bench html_parse --features html5ever-oracle

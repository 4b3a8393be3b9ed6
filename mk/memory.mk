# Where the peak memory of a run goes (issue: end-to-end speed and memory).
#
#   make memory-peaks  runs nahr (all stages, MEM_THREADS threads, default 2) on MEM_INPUT
#                      (default wcxb-dev) once and ten times under benches/memtrace/live_peak.c,
#                      prints both runs' peak RSS and what each held at its live-heap peak,
#                      by thread and by call site (needs a C compiler and nm)

MEM_INPUT   ?= $(SHARED)/data/extraction/wcxb-dev/html
MEM_THREADS ?= 2
LIVE_PEAK   := target/memtrace/live_peak.so

.PHONY: memory-peaks

$(LIVE_PEAK): benches/memtrace/live_peak.c
	@mkdir -p $(dir $@)
	$${CC:-cc} -O2 -fno-builtin -Wall -Wextra -shared -fPIC -o $@ $< -lpthread

memory-peaks: $(NAHR) $(LIVE_PEAK)
	@test -e "$(MEM_INPUT)" || { echo "memory-peaks: $(MEM_INPUT) not found (set MEM_INPUT or SHARED)"; exit 2; }
	@ten=""; for i in 1 2 3 4 5 6 7 8 9 10; do ten="$$ten --input $(MEM_INPUT)"; done; \
	for n in once ten; do \
		if [ $$n = once ]; then args="--input $(MEM_INPUT)"; else args="$$ten"; fi; \
		/usr/bin/time -o target/memtrace/rss-$$n -f %M $(NAHR) run --quiet --overwrite \
			--threads $(MEM_THREADS) $$args --output target/memtrace/out-plain; \
		LD_PRELOAD=$(CURDIR)/$(LIVE_PEAK) LIVE_PEAK_OUT=target/memtrace/peak-$$n.txt \
			$(NAHR) run --quiet --overwrite --threads $(MEM_THREADS) $$args \
			--output target/memtrace/out-traced; \
	done; \
	echo "peak RSS, MB: once $$(( $$(cat target/memtrace/rss-once) / 1000 )), ten times $$(( $$(cat target/memtrace/rss-ten) / 1000 ))"
	$(PYTHON) scripts/live_peak_report.py $(NAHR) target/memtrace/peak-once.txt target/memtrace/peak-ten.txt

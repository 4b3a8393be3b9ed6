# Spark and Ray: the `nahr` Python package (python/, a maturin + PyO3 crate with its own
# workspace and target folder) and its tests on Spark in local mode.
#
#   make test-spark    build the wheel (debug, to keep CI short) into $(VENV) and run tests/spark
#                      against Spark local[2,3]; needs Java 17+ (pyspark comes from pip)
#   make wheel-release build the release wheel into python/target/wheels-release
#   make bench-spark   the figures: wheel build time (release, cold and warm), and pages/s
#                      through Spark local[2] against `nahr run --threads 2` on the WCXB pages

SPARK_STAMP   := $(VENV)/.spark-installed
MATURIN       := $(VENV)/bin/maturin
WHEEL_DEBUG   := python/target/wheels-debug
WHEEL_RELEASE := python/target/wheels-release
BENCH_PAGES   ?= $(SHARED)/data/extraction/wcxb-dev/html
PIP_QUIET     := --quiet --disable-pip-version-check

.PHONY: spark-venv wheel wheel-release test-spark bench-spark bench-spark-build bench-spark-throughput

spark-venv: $(SPARK_STAMP)
$(SPARK_STAMP): $(VENV)/.installed python/requirements-spark.txt
	$(VENV_PY) -m pip install $(PIP_QUIET) -r python/requirements-spark.txt
	touch $@

# cargo (under maturin) rebuilds only what changed; pip then swaps the installed wheel.
wheel: spark-venv
	rm -rf $(WHEEL_DEBUG)
	$(MATURIN) build --quiet -m python/Cargo.toml --interpreter $(VENV_PY) --out $(WHEEL_DEBUG)
	$(VENV_PY) -m pip install $(PIP_QUIET) --force-reinstall --no-deps $(WHEEL_DEBUG)/nahr-*.whl

wheel-release: spark-venv
	rm -rf $(WHEEL_RELEASE)
	$(MATURIN) build --quiet --release -m python/Cargo.toml --interpreter $(VENV_PY) --out $(WHEEL_RELEASE)
	$(VENV_PY) -m pip install $(PIP_QUIET) --force-reinstall --no-deps $(WHEEL_RELEASE)/nahr-*.whl

test-spark: wheel $(NAHR_DEBUG)
	@command -v java >/dev/null || { echo "test-spark needs Java 17 or later (e.g. apt-get install openjdk-17-jre-headless)"; exit 1; }
	NAHR_BIN=$(NAHR_DEBUG) $(VENV_PY) -m pytest -q -p no:cacheprovider tests/spark

bench-spark: bench-spark-build bench-spark-throughput

# Cold: no compiled dependency in python/target/release (arrow, parquet, nahr... all built);
# warm: only the bindings crate recompiled after a change to it.
bench-spark-build: spark-venv
	rm -rf python/target/release $(WHEEL_RELEASE)
	@echo "== release wheel, cold"
	time $(MATURIN) build --quiet --release -m python/Cargo.toml --interpreter $(VENV_PY) --out $(WHEEL_RELEASE)
	touch python/src/lib.rs
	@echo "== release wheel, warm (bindings changed)"
	time $(MATURIN) build --quiet --release -m python/Cargo.toml --interpreter $(VENV_PY) --out $(WHEEL_RELEASE)
	$(VENV_PY) -m pip install $(PIP_QUIET) --force-reinstall --no-deps $(WHEEL_RELEASE)/nahr-*.whl

bench-spark-throughput: wheel-release $(NAHR)
	@test -d $(BENCH_PAGES) || { echo "bench-spark needs $(BENCH_PAGES) (../shared/data)"; exit 1; }
	$(VENV_PY) python/bench/bench_spark.py --pages $(BENCH_PAGES) --nahr $(NAHR) --cores 2

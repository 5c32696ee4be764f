# Two commands for users: `make build` and `make test` (see README.md; guides in docs/).
# Everything installs from this repository's own files, so a fresh clone works with only
# Python 3.11 and make.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

# Inputs a user may set: make build RAW_DIR=... RAW_FORMAT=... RAW_ENCODING=... DUCKDB_PATH=... AS_OF_DATE=...
RAW_DIR ?=
RAW_FORMAT ?= canonical
RAW_ENCODING ?= utf-8
DUCKDB_PATH ?= warehouse.duckdb
AS_OF_DATE ?=
# fit: refit K-means; assign: reuse the stored centroids (refits anyway when segment_drift says
# the stored model is stale).
SEGMENT_MODE ?= fit
# A number of segments to fit instead of the one the k rule chooses (empty: the rule).
SEGMENT_COUNT ?=
# duckdb (one file, the default) or spark (dbt-spark's session method, local[2]; see
# docs/spark.md). SPARK_DIR holds the Spark warehouse and metastore.
TARGET ?= duckdb
SPARK_DIR ?= .spark

# The bundled demo data, used when no RAW_DIR is given (git-ignored).
DEMO_DIR := data/demo
DEMO_CUSTOMERS ?= 5000
DEMO_SEED ?= 42

EFFECTIVE_RAW_DIR := $(if $(RAW_DIR),$(RAW_DIR),$(DEMO_DIR))
dbt_vars = {"raw_dir": "$(1)", "raw_format": "$(RAW_FORMAT)", "raw_encoding": "$(RAW_ENCODING)", "as_of_date": "$(AS_OF_DATE)", "segment_mode": "$(2)", "segment_count": "$(SEGMENT_COUNT)"$(3)}
DBT_VARS := $(call dbt_vars,$(EFFECTIVE_RAW_DIR),$(SEGMENT_MODE))
# The docs site names the published build it was generated from (shell variable `build`).
PUBLISHED_BUILD_VAR := , "published_build": "'"$$build"'"
DOCS_VARS := $(call dbt_vars,$(EFFECTIVE_RAW_DIR),$(SEGMENT_MODE),$(PUBLISHED_BUILD_VAR))
DBT := DUCKDB_PATH="$(DUCKDB_PATH)" $(BIN)/dbt
# Spark in local mode talks to itself only (loopback), with its files under SPARK_DIR.
SPARK_ENV := SPARK_LOCAL_IP=127.0.0.1 SPARK_DIR="$(abspath $(SPARK_DIR))"
SPARK_DBT := $(SPARK_ENV) $(BIN)/dbt
# The marts the fits read, and everything they need: built before the fits on Spark.
SPARK_FIT_INPUTS := +customer_features +int_clv_calibration_summaries +int_clv_training_windows \
	+int_as_of_date segment_archetypes segment_descriptors

# What stakeholders read, made from the built warehouse (reports/ is git-ignored).
FIGURES_DIR := reports/figures
REPORTS_DIR := reports
# The browser check drives this Chromium (Debian's package) through Playwright.
CHROMIUM ?= $(shell command -v chromium 2>/dev/null || echo /usr/bin/chromium)
# pytest processes for make test: the dbt builds of two test modules run side by side (each
# module stays on one process, so a module's own build is made once). 2 suits a 2-core machine.
TEST_WORKERS ?= 2

.PHONY: help venv spark-venv java-17 demo build build-duckdb build-spark figures report docs docs-serve \
	export metrics backfill bench evaluate test test-pytest test-fast test-spark browser lint clean

help:
	@echo "make build   build the warehouse, figures, report and docs (demo data unless RAW_DIR=...)"
	@echo "make test    run every test (pytest, dbt builds, docs check, browser check, SQL lint)"
	@echo "make test-fast   ruff, unit tests and the shared demo build's checks (a few minutes)"
	@echo "make docs    the docs site as one file, target/static_index.html (after make build)"
	@echo "make docs-serve   serve the docs site on http://localhost:8080"
	@echo "make export  one CSV per segment (segment_audiences) into reports/audiences/"
	@echo "make metrics   the semantic layer's saved queries (revenue, retention, segment sizes by month) into reports/metrics/"
	@echo "make backfill FROM=2011-01-01 TO=2011-12-01 STEP=month   the warehouse as of each date"
	@echo "make bench   the scale benchmark (100k and 1M customers; about 17 minutes here) into bench/results/"
	@echo "make evaluate   the segments against planted answers and naive baselines (25-40 min) into bench/results/"
	@echo "make build TARGET=spark   the same warehouse on Spark (local[2]; needs Java 17)"
	@echo "make test-spark   the fixture on Spark, every dbt test, and the DuckDB/Spark parity test"
	@echo "variables: RAW_DIR RAW_FORMAT RAW_ENCODING DUCKDB_PATH AS_OF_DATE SEGMENT_MODE SEGMENT_COUNT DEMO_CUSTOMERS"
	@echo "           DEMO_SEED"
	@echo "           TARGET SPARK_DIR"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The Spark target's packages, only when it is used, into the same .venv (own stamp file).
spark-venv: java-17 venv $(VENV)/.installed-spark

$(VENV)/.installed-spark: requirements-spark.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	@touch $@

# pyspark 4 runs on Java 17 or later.
java-17:
	@version=$$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1); \
	if [ -z "$$version" ] || [ "$$version" -lt 17 ]; then \
		echo "The Spark target needs Java 17 or later (java -version says: $${version:-no java})."; \
		echo "Install it with: sudo apt-get install -y openjdk-17-jre-headless"; \
		exit 1; \
	fi

# The demo is generated only when it is the input; a RAW_DIR you pass is never written to.
demo: venv
	@if [ ! -f "$(DEMO_DIR)/order_lines.csv" ]; then \
		echo "Generating demo data ($(DEMO_CUSTOMERS) customers) into $(DEMO_DIR)"; \
		$(BIN)/python -m customer_segmentation.demo_data --customers $(DEMO_CUSTOMERS) \
			--seed $(DEMO_SEED) --out $(DEMO_DIR); \
	fi

build: build-$(TARGET)

# Write-audit-publish (doc block publishing): seed and build into .building/ beside
# DUCKDB_PATH, refit in assign mode when the segments are stale, and replace DUCKDB_PATH in one
# rename only when everything passed; figures, report and docs then read the published file.
build-duckdb: venv $(if $(RAW_DIR),,demo)
	@DUCKDB_PATH="$(DUCKDB_PATH)" $(BIN)/python -m customer_segmentation.publish \
		--db "$(DUCKDB_PATH)" --vars '$(DBT_VARS)'
	@$(MAKE) --no-print-directory figures report docs
	@echo ""
	@echo "Warehouse: $(DUCKDB_PATH)   (duckdb $(DUCKDB_PATH) -c 'select * from customer_rfm limit 5')"
	@echo "Report:    $(REPORTS_DIR)/segment_report.html   (and .md; figures in $(FIGURES_DIR))"
	@echo "Docs:      file://$(CURDIR)/target/static_index.html   (or make docs-serve)"

# Spark: dbt-spark's session method runs no dbt Python models, so the fits run between two dbt
# steps: the SQL up to the marts they read, the fits (same code, written back as the tables the
# Python models write on DuckDB), then every other model and every test. In assign mode only the
# CLV fit runs (the SQL twin assigns segments) and, as on DuckDB, stale segments are refitted.
# Figures, report and docs read the DuckDB file, so they are not made here.
# Spark reads no path relative to this folder (the demo's data/demo failed), so it gets the raw
# folder as an absolute path; a URI (s3://..., hdfs://...) is passed as it is.
SPARK_RAW_DIR := $(if $(findstring ://,$(EFFECTIVE_RAW_DIR)),$(EFFECTIVE_RAW_DIR),$(abspath $(EFFECTIVE_RAW_DIR)))
SPARK_VARS := --target spark --vars '$(call dbt_vars,$(SPARK_RAW_DIR),$(SEGMENT_MODE))'
SPARK_FIT_VARS := --target spark --vars '$(call dbt_vars,$(SPARK_RAW_DIR),fit)'
SPARK_FIT := $(SPARK_ENV) $(BIN)/python -m customer_segmentation.spark
build-spark: spark-venv $(if $(RAW_DIR),,demo)
	$(SPARK_DBT) seed --full-refresh $(SPARK_VARS)
	$(SPARK_DBT) run --select $(SPARK_FIT_INPUTS) $(SPARK_VARS)
	$(SPARK_FIT) $(if $(filter assign,$(SEGMENT_MODE)),--skip-segmentation)
	$(SPARK_DBT) run --exclude $(SPARK_FIT_INPUTS) $(SPARK_VARS)
	@if [ "$(SEGMENT_MODE)" = "assign" ] && ! $(SPARK_ENV) $(BIN)/python -m customer_segmentation.history.drift --spark; then \
		echo "The stored segments are stale (segment_drift): refitting"; \
		$(SPARK_FIT) && \
		$(SPARK_DBT) run --exclude $(SPARK_FIT_INPUTS) $(SPARK_FIT_VARS) && \
		$(SPARK_DBT) test $(SPARK_FIT_VARS); \
	else \
		$(SPARK_DBT) test $(SPARK_VARS); \
	fi
	@echo ""
	@echo "Spark warehouse: $(SPARK_DIR)/warehouse (schema customer_segmentation; metastore in $(SPARK_DIR))"

# Figures (PNG + manifest.json) from the built warehouse, read-only.
figures: venv
	$(BIN)/python -m customer_segmentation.plots --db "$(DUCKDB_PATH)" --out $(FIGURES_DIR)

# The segment report, HTML with the figures embedded, and Markdown.
report: figures
	$(BIN)/python -m customer_segmentation.report --db "$(DUCKDB_PATH)" --figures $(FIGURES_DIR) \
		--out $(REPORTS_DIR) --dataset "$(EFFECTIVE_RAW_DIR)"

# The docs site as one file that opens from disk; asset-paths copies the figures beside it
# (target/reports/figures), so run it after the figures.
docs: venv
	@if [ ! -f "$(FIGURES_DIR)/manifest.json" ]; then $(MAKE) --no-print-directory figures; fi
	@build=$$($(BIN)/python -m customer_segmentation.publish --db "$(DUCKDB_PATH)" --describe); \
	$(DBT) docs generate --static --vars '$(DOCS_VARS)'
	@echo "Docs site: open file://$(CURDIR)/target/static_index.html in a browser"
	@echo "           (or make docs-serve, then http://localhost:8080)"

docs-serve: venv
	$(DBT) docs serve --port 8080 --no-browser

# The warehouse as of each date from FROM to TO (inclusive), oldest first, into the same file.
FROM ?=
TO ?=
STEP ?= month
backfill: venv $(if $(RAW_DIR),,demo)
	@if [ -z "$(FROM)" ] || [ -z "$(TO)" ]; then echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD [STEP=month|week|day]"; exit 2; fi
	$(DBT) seed --vars '$(DBT_VARS)'
	$(BIN)/python -m customer_segmentation.backfill --from $(FROM) --to $(TO) --step $(STEP) \
		--raw-dir "$(EFFECTIVE_RAW_DIR)" --raw-format $(RAW_FORMAT) --db "$(DUCKDB_PATH)"
	$(BIN)/python -m customer_segmentation.history.figures --db "$(DUCKDB_PATH)" --out reports/figures

# What a marketing tool imports: one CSV per segment of the built warehouse.
export: venv
	$(BIN)/python -m customer_segmentation.export --db "$(DUCKDB_PATH)" --out reports/audiences

# The semantic layer's saved queries (models/marts/metrics/, docs/metrics.md) on the built
# warehouse, one CSV each. dbt parse writes the semantic manifest for these vars first; MetricFlow
# writes the SQL and DuckDB runs it read-only (mf would read target/ only, whatever
# DBT_TARGET_PATH says).
METRICS_TARGET = $${DBT_TARGET_PATH:-target}
metrics: venv
	$(DBT) parse --quiet --vars '$(DBT_VARS)'
	$(BIN)/python -m customer_segmentation.metrics --manifest "$(METRICS_TARGET)/semantic_manifest.json" \
		--db "$(DUCKDB_PATH)" --out $(REPORTS_DIR)/metrics

# The scale benchmark: demo data generated once into data/bench/ (git-ignored), then the
# warehouse against a hand-written DuckDB floor and pandas, each step its own process. Not part
# of make test: it measures, it does not assert.
BENCH_SIZES ?= 100000 1000000
bench: venv
	$(BIN)/python -m customer_segmentation.bench --sizes $(BENCH_SIZES) --out bench/results \
		--docs-page docs/benchmarks.md

# The segments on labelled data the method was not tuned to (two generators, several seeds and
# sizes) and on the three public data sets, against two pinned naive baselines; one table into
# bench/results/<date>-evaluate.md. Not part of make test: it builds the warehouse 32 times
# (25 of them took 16 minutes on a quiet machine, 2026-12-05).
evaluate: venv
	$(BIN)/python -m customer_segmentation.evaluation.run --out bench/results

# sqlfluff (one process, about 2.5 minutes) runs beside pytest: pytest's last minutes are one
# long module on one worker, so a core would sit idle. Each prints its output when it is done.
test: venv browser
	$(BIN)/ruff check src bench python_models
	$(BIN)/ruff format --check src bench python_models
	$(MAKE) --no-print-directory -j2 --output-sync=target test-pytest lint
	@if [ "$$CI" = "true" ] || $(MAKE) --no-print-directory -s java-17 >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory test-spark; \
	else \
		echo "No Java 17: the Spark tests (make test-spark) are skipped."; \
	fi

# pytest alone (what make test runs beside the SQL lint).
test-pytest: venv browser
	CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The fixture (the pytest demo: 2,000 customers, seed 11, currencies on) built on Spark with
# every dbt test, then compared with a DuckDB build of the same files (test_spark_parity.py).
# In CI (CI=true, root) Java 17 is installed from the OS packages when missing.
SPARK_TEST_DIR := $(CURDIR)/.spark/test
test-spark: venv
	@if [ "$$CI" = "true" ] && ! java -version >/dev/null 2>&1; then \
		echo "Installing openjdk-17-jre-headless (CI=true)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo -n); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless; \
	fi
	@$(MAKE) --no-print-directory spark-venv
	rm -rf "$(SPARK_TEST_DIR)"
	$(BIN)/python -m customer_segmentation.demo_data --customers 2000 --seed 11 --currencies \
		--out "$(SPARK_TEST_DIR)/raw" --no-progress
	DBT_TARGET_PATH="$(SPARK_TEST_DIR)/target" DBT_LOG_PATH="$(SPARK_TEST_DIR)/target/logs" \
		$(MAKE) --no-print-directory build-spark RAW_DIR="$(SPARK_TEST_DIR)/raw" \
		SPARK_DIR="$(SPARK_TEST_DIR)/spark"
	SPARK_PARITY_DIR="$(SPARK_TEST_DIR)" $(BIN)/python -m pytest -m spark src/tests/test_spark_parity.py \
		src/tests/test_spark_raw_file_formats.py src/tests/test_spark_adapters.py \
		src/tests/test_spark_experiment_statistics.py

# The contributor's loop (CONTRIBUTING.md): ruff, the unit tests and the modules that read the
# one shared demo build (figures, report), in a few minutes. Every test that builds a warehouse
# of its own is marked dbt and left to make test; sqlfluff runs on changed files through
# pre-commit.
test-fast: venv
	$(BIN)/ruff check src bench python_models
	$(BIN)/ruff format --check src bench python_models
	$(BIN)/python -m pytest -m "not dbt and not spark"

# Chromium for the browser check, from the OS packages. In CI (CI=true, root) it is installed
# when missing, and the check then must run; elsewhere a missing Chromium only skips it.
browser:
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "Browser check: $(CHROMIUM)"; \
	elif [ "$$CI" = "true" ]; then \
		echo "Installing chromium (CI=true)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo -n); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	else \
		echo "No Chromium at $(CHROMIUM): the browser check will be skipped."; \
		echo "Install it with: sudo apt-get install -y chromium"; \
	fi

# A raw format's own models are enabled only for that format, so the first run skips them and
# the next two lint them with their raw_format (lint/<format>.cfg sets the dbt var); the last
# lints the assign-mode model the same way.
lint: venv
	$(BIN)/sqlfluff lint models tests/seeds analyses
	$(BIN)/sqlfluff lint --config lint/online_retail.cfg models/staging/online_retail models/marts/online_retail
	$(BIN)/sqlfluff lint --config lint/marketing_campaign.cfg models/staging/marketing_campaign \
		models/marts/marketing_campaign
	$(BIN)/sqlfluff lint --config lint/assign.cfg models/intermediate/int_segment_assignment.sql

clean:
	rm -rf target logs reports $(DEMO_DIR) data/demo_true_types.csv warehouse.duckdb warehouse.duckdb.wal \
		.spark

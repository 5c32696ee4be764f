#!/usr/bin/env bash
# The timing in the README's "When you outgrow one machine": one raw folder built by DuckDB
# (the dbt steps of `make build`) and by Spark (the steps of `make build TARGET=spark`), each
# step timed in its own process, with the 1-minute load average as it started and ended.
# Figures, report and docs are left out on both sides: Spark does not make them.
#
#   bench/engines.sh RAW_DIR [WORK_DIR]     (after `make venv spark-venv`; Java 17)
#
# WORK_DIR (default /tmp/engines) gets the DuckDB file, the Spark warehouse, logs, and
# engines.md, the table printed at the end.
set -euo pipefail

raw_dir=$(realpath "$1")
work_dir=$(realpath -m "${2:-/tmp/engines}")
project_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$project_dir"
rm -rf "$work_dir"
mkdir -p "$work_dir/logs"

bin=.venv/bin
vars="{\"raw_dir\": \"$raw_dir\"}"
# The models the fits read, as the Makefile lists them.
read -r -a fit_inputs <<< "$(make -s --no-print-directory \
    --eval='print-fit-inputs: ; @echo $(SPARK_FIT_INPUTS)' print-fit-inputs)"
table="$work_dir/engines.md"
echo "| engine | step | wall (s) | load |" > "$table"
echo "|---|---|---:|---|" >> "$table"

step() {
    local engine=$1 name=$2
    shift 2
    local load_before start end load_after
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    if ! "$@" > "$work_dir/logs/$engine-$name.log" 2>&1; then
        echo "$engine $name failed: see $work_dir/logs/$engine-$name.log" >&2
        tail -20 "$work_dir/logs/$engine-$name.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    load_after=$(cut -d' ' -f1 /proc/loadavg)
    printf '| %s | %s | %.1f | %s -> %s |\n' "$engine" "$name" "$(awk "BEGIN { print $end - $start }")" \
        "$load_before" "$load_after" | tee -a "$table"
}

export DBT_SEND_ANONYMOUS_USAGE_STATS=false

# DuckDB: as build-duckdb, without report and docs.
export DUCKDB_PATH="$work_dir/warehouse.duckdb"
export DBT_TARGET_PATH="$work_dir/target-duckdb" DBT_LOG_PATH="$work_dir/target-duckdb/logs"
step duckdb seed $bin/dbt seed --full-refresh --vars "$vars"
step duckdb build $bin/dbt build --vars "$vars"

# Spark: as build-spark.
export SPARK_LOCAL_IP=127.0.0.1 SPARK_DIR="$work_dir/spark"
export DBT_TARGET_PATH="$work_dir/target-spark" DBT_LOG_PATH="$work_dir/target-spark/logs"
spark=(--target spark --vars "$vars")
step spark seed $bin/dbt seed --full-refresh "${spark[@]}"
step spark models_before_fits $bin/dbt run --select "${fit_inputs[@]}" "${spark[@]}"
step spark fits $bin/python -m customer_segmentation.spark
step spark other_models $bin/dbt run --exclude "${fit_inputs[@]}" "${spark[@]}"
step spark tests $bin/dbt test "${spark[@]}"

echo
cat "$table"

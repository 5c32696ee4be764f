"""The Spark target's fits: what the dbt Python models do on DuckDB, run against Spark tables."""

"""The scale benchmark behind `make bench`: the warehouse against two DuckDB floors and pandas."""

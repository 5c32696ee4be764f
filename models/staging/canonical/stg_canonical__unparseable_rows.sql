{#- The raw records no reader could parse, for quarantine and the row counts
    (macros/raw_file_facts.sql). A table: the DuckDB read that finds them must run in the
    model's own connection, before the select. -#}
{{ config(materialized='table') }}

{{ raw_file_unparseable_rows('canonical') }}

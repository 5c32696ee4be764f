{#- Counts every raw line straight from the files, independently of the base models, so the
    reconciliation compares two separate reads (macros/raw_file_facts.sql).
    A table: as a view, each of its readers counted every raw file again. -#}
{{ config(materialized='table') }}

{{ raw_file_row_counts('canonical') }}

{#- Counts every raw line straight from the file, independently of the base model, so the
    reconciliation compares two separate reads (macros/raw_file_facts.sql).
    A table: as a view, each of its readers counted every raw file again. -#}
{{ config(materialized='table') }}

{{ raw_file_row_counts('marketing_campaign') }}

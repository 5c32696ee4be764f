{#- Counts every raw line straight from the file, independently of the base model, so the
    reconciliation compares two separate reads (macros/raw_file_facts.sql). -#}
{{ raw_file_row_counts('online_retail') }}

{#- Counts every raw line straight from the files, independently of the base models, so the
    reconciliation compares two separate reads (macros/raw_file_facts.sql). -#}
{{ raw_file_row_counts('canonical') }}

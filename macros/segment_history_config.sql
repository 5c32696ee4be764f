{% macro segment_history_config() %}
    {#- The segmentation history tables keep one slice per as-of date. A rebuild replaces its
        own date; --full-refresh cannot wipe the other dates unless reset_segment_history. -#}
    {{ config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy='delete+insert',
        full_refresh=(none if var('reset_segment_history', false) else false),
        on_schema_change='append_new_columns',
    ) }}
{% endmacro %}

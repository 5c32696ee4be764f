{% macro segment_history_config() %}
    {#- The segmentation history tables keep one slice per as-of date. A rebuild replaces its
        own date; --full-refresh cannot wipe the other dates unless reset_segment_history. -#}
    {{ config(
        materialized='incremental',
        full_refresh=(none if var('reset_segment_history', false) else false),
        on_schema_change='append_new_columns',
        **segment_history_strategy()
    ) }}
{% endmacro %}

{% macro segment_history_strategy() %}
    {#- How a rebuild replaces its own as-of date, per engine. -#}
    {{ return(adapter.dispatch('segment_history_strategy', 'customer_segmentation')()) }}
{% endmacro %}

{% macro duckdb__segment_history_strategy() %}
    {{ return({'unique_key': 'as_of_date', 'incremental_strategy': 'delete+insert'}) }}
{% endmacro %}

{% macro spark__segment_history_strategy() %}
    {#- Spark has no delete on plain parquet tables (Delta and Iceberg need jars these machines
        cannot fetch): each as-of date is a partition, and a rebuild overwrites its own. -#}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': ['as_of_date'],
        'file_format': 'parquet'}) }}
{% endmacro %}

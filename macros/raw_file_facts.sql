{% macro raw_file_is_present(table_name, source_name='canonical') -%}
    {#- A SQL boolean literal, decided when the model runs (the folder may change between runs). -#}
    {%- if execute and raw_file_exists(raw_file_path(table_name, source_name)) -%}
        true
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}


{% macro raw_file_name(table_name, source_name='canonical') -%}
    {#- The file name the contract gives the table (meta raw_file, or the alternative found in
        raw_dir), for readers of quarantine. -#}
    {%- if execute -%}
        {{ raw_file_resolved_name(table_name, source_name) }}
    {%- else -%}
        {{ table_name }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_file_row_counts(source_name) -%}
    {#- The body of each format's stg_<format>__raw_file_row_counts: every raw line counted
        straight from the files, independently of the base models, so the reconciliation
        compares two separate reads. One row per raw table of the format. -#}
    {%- set raw_tables = raw_tables() -%}
    with

    {% for table_name in raw_tables %}
    {{ table_name }} as (
        select
            '{{ table_name }}' as source_table,
            '{{ raw_file_name(table_name, source_name) }}' as source_file,
            {{ raw_file_is_present(table_name, source_name) }} as is_file_present,
            count(*) as raw_row_count
        from {{ raw_source(table_name, source_name) }}
    ),

    {% endfor -%}

    unioned as (
        {% for table_name in raw_tables -%}
        select * from {{ table_name }}
        {% if not loop.last %}union all
        {% endif %}
        {%- endfor %}
    )

    select * from unioned
{%- endmacro %}

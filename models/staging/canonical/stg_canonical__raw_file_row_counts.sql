{#- Counts every raw line straight from the files, independently of the base models, so the
    reconciliation compares two separate reads. -#}
{%- set raw_tables = raw_tables() -%}

with

{% for table_name in raw_tables %}
{{ table_name }} as (
    select
        '{{ table_name }}' as source_table,
        '{{ raw_file_name(table_name) }}' as source_file,
        {{ raw_file_is_present(table_name) }} as is_file_present,
        count(*) as raw_row_count
    from {{ raw_source(table_name) }}
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

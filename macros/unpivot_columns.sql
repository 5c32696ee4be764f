{% macro unpivot_columns(relation, key_columns, exclude=[]) %}
    {#- One row per key and numeric column: (key columns..., feature_name, feature_value).
        The column list is read from the built relation, so a feature added to the model
        appears here without editing this macro's callers. -#}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- set numeric_types = ['integer', 'int', 'bigint', 'smallint', 'hugeint', 'double', 'float', 'real', 'decimal'] -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- set base_type = column.data_type.lower().split('(')[0] -%}
            {%- if column.name not in key_columns and column.name not in exclude and base_type in numeric_types -%}
                {%- do columns.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for column in columns %}
    select
        {{ key_columns | join(', ') }},
        '{{ column }}' as feature_name,
        cast({{ column }} as double) as feature_value
    from {{ relation }}
        {%- if not loop.last %}
    union all
        {%- endif -%}
    {%- else %}
    {#- Nothing to unpivot (or only parsing): an empty, typed result. #}
    select
        {% for key in key_columns %}cast(null as string) as {{ key }}, {% endfor %}
        cast(null as string) as feature_name,
        cast(null as double) as feature_value
    where false
    {%- endfor -%}
{% endmacro %}

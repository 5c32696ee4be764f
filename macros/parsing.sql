{#- Casting raw text. Every raw column arrives as text; these turn it into typed values and
    give null, never an error, when the text does not parse, so staging can quarantine the row
    instead of failing the build. -#}

{% macro clean_text(column_name) -%}
    nullif(trim({{ column_name }}), '')
{%- endmacro %}


{% macro clean_code(column_name) -%}
    nullif(lower(trim({{ column_name }})), '')
{%- endmacro %}


{% macro parse_timestamp(column_name) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column_name) -%}
    {#- ISO 8601 with optional T and offset; the session zone is UTC (profiles.yml), so a value
        without an offset is read as UTC and one with an offset is converted to UTC. -#}
    try_cast(try_cast({{ clean_text(column_name) }} as timestamptz) as timestamp)
{%- endmacro %}


{% macro parse_date(column_name) -%}
    {{ return(adapter.dispatch('parse_date', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro default__parse_date(column_name) -%}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then try_cast({{ clean_text(column_name) }} as date)
    end
{%- endmacro %}


{% macro parse_integer(column_name) -%}
    {{ return(adapter.dispatch('parse_integer', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro default__parse_integer(column_name) -%}
    {#- A plain cast would round '5.5' to 6; an integer column must hold an integer. -#}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[+-]?[0-9]{1,18}')
            then cast({{ clean_text(column_name) }} as bigint)
    end
{%- endmacro %}


{% macro parse_decimal(column_name) -%}
    {{ return(adapter.dispatch('parse_decimal', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro default__parse_decimal(column_name) -%}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)')
            then try_cast({{ clean_text(column_name) }} as decimal(18, 4))
    end
{%- endmacro %}


{% macro is_unparseable(raw_column, parsed_expression) -%}
    coalesce({{ clean_text(raw_column) }} is not null and ({{ parsed_expression }}) is null, false)
{%- endmacro %}


{% macro data_issues(checks) -%}
    {{ return(adapter.dispatch('data_issues', 'customer_segmentation')(checks)) }}
{%- endmacro %}

{% macro default__data_issues(checks) -%}
    {#- checks: list of [reason_code, column_name, condition]. Gives the list of the issues
        whose condition holds, in the order given, so the first is the primary reason. -#}
    {%- if checks | length == 0 -%}
        cast([] as struct(reason_code varchar, column_name varchar)[])
    {%- else -%}
    list_filter([
        {%- for reason_code, column_name, condition in checks %}
        case when {{ condition }} then {'reason_code': '{{ reason_code }}', 'column_name': '{{ column_name }}'} end
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ], lambda issue: issue is not null)
    {%- endif -%}
{%- endmacro %}


{% macro raw_record(columns) -%}
    {{ return(adapter.dispatch('raw_record', 'customer_segmentation')(columns)) }}
{%- endmacro %}

{% macro default__raw_record(columns) -%}
    {#- The raw row as JSON text, column order as in the contract, for quarantine readers. -#}
    to_json({ {%- for column_name in columns %}'{{ column_name }}': raw_{{ column_name }}{% if not loop.last %}, {% endif %}{% endfor -%} })::varchar
{%- endmacro %}

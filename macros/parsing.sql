{#- Casting raw text. Every raw column arrives as text; these turn it into typed values and
    give null, never an error, when the text does not parse, so staging can quarantine the row
    instead of failing the build. -#}

{% macro clean_text(column_name) -%}
    nullif(trim({{ column_name }}), '')
{%- endmacro %}


{% macro cleaned_raw_columns(columns) -%}
    {#- Each raw column's clean_text() once, as clean_<column>, for a chain that parses and
        checks ten million rows: see reading_cleaned_columns. -#}
    {%- for column_name in columns %}
        {{ clean_text('raw_' ~ column_name) }} as clean_{{ column_name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{% macro reading_cleaned_columns(expression, columns) -%}
    {#- The expression with every clean_text('raw_<column>') read from clean_<column> (made by
        cleaned_raw_columns) instead: the parse and the checks trim each raw column several
        times, and at 1M customers trimming once made base_canonical__order_lines 15-20%
        faster with the same rows. The rendered text is replaced, so the expressions are
        written once, with clean_text, for every chain. -#}
    {%- set cleaned = namespace(text=expression) -%}
    {%- for column_name in columns -%}
        {%- set cleaned.text = cleaned.text | replace(clean_text('raw_' ~ column_name), 'clean_' ~ column_name) -%}
    {%- endfor -%}
    {{ return(cleaned.text) }}
{%- endmacro %}


{% macro reading_cleaned_checks(checks, columns) -%}
    {#- data_issues checks ([reason_code, column_name, condition]) with reading_cleaned_columns
        applied to each condition. -#}
    {%- set cleaned = [] -%}
    {%- for reason_code, column_name, condition in checks -%}
        {%- do cleaned.append([reason_code, column_name, reading_cleaned_columns(condition, columns)]) -%}
    {%- endfor -%}
    {{ return(cleaned) }}
{%- endmacro %}


{% macro clean_code(column_name) -%}
    nullif(lower(trim({{ column_name }})), '')
{%- endmacro %}


{% macro parse_timestamp(column_name) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(column_name) -%}
    {#- ISO 8601 with optional T and offset; the session zone is UTC (profiles.yml), so a value
        without an offset is read as UTC and one with an offset is converted to UTC. -#}
    try_cast(try_cast({{ clean_text(column_name) }} as timestamptz) as timestamp)
{%- endmacro %}

{% macro spark__parse_timestamp(column_name) -%}
    {#- Spark's cast also takes '2024' or '2024-01' as a timestamp; DuckDB's does not, so the
        value must start with a full date. The session zone is UTC here too (profiles.yml). -#}
    case
        when {{ clean_text(column_name) }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?$'
            then cast({{ clean_text(column_name) }} as timestamp)
    end
{%- endmacro %}


{% macro parse_slash_timestamp(column_name, slash_date_order) -%}
    {#- A date written with slashes, `M/D/YYYY` (how the UCI Online Retail workbook shows its
        dates, and the CSV copies made from it: `12/1/2010 8:26`) or `D/M/YYYY`, each with an
        optional `H:MM` or `H:MM:SS`; read as UTC. `slash_date_order` is a SQL expression holding
        the file's order, as the macro `slash_date_order` decides it from the file's own values:
        day first where it is `day_first`, none read where it is `mixed` (no single order reads
        them all), month first otherwise. Null for any other text and for dates that do not
        exist. -#}
    case
        when {{ slash_date_order }} <> 'mixed'
            then {{ adapter.dispatch('parse_slash_timestamp', 'customer_segmentation')(
                column_name, slash_date_order ~ " = 'day_first'"
            ) }}
    end
{%- endmacro %}

{% macro slash_date_pattern() -%}
    {#- The form parse_slash_timestamp reads (for full_match). -#}
    {{ return('[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?') }}
{%- endmacro %}

{% macro duckdb__parse_slash_timestamp(column_name, is_day_first) -%}
    case
        when {{ full_match(clean_text(column_name), slash_date_pattern()) }}
            then case
                when {{ is_day_first }}
                    then try_strptime({{ clean_text(column_name) }}, ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'])
                else try_strptime({{ clean_text(column_name) }}, ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'])
            end
    end
{%- endmacro %}

{% macro spark__parse_slash_timestamp(column_name, is_day_first) -%}
    {#- One-letter patterns take one or two digits; try_to_timestamp is null where a pattern
        does not fit the text or the date does not exist. -#}
    case
        when {{ full_match(clean_text(column_name), slash_date_pattern()) }}
            then case
                when {{ is_day_first }}
                    then coalesce(
                        try_to_timestamp({{ clean_text(column_name) }}, 'd/M/yyyy H:mm:ss'),
                        try_to_timestamp({{ clean_text(column_name) }}, 'd/M/yyyy H:mm'),
                        try_to_timestamp({{ clean_text(column_name) }}, 'd/M/yyyy')
                    )
                else coalesce(
                    try_to_timestamp({{ clean_text(column_name) }}, 'M/d/yyyy H:mm:ss'),
                    try_to_timestamp({{ clean_text(column_name) }}, 'M/d/yyyy H:mm'),
                    try_to_timestamp({{ clean_text(column_name) }}, 'M/d/yyyy')
                )
            end
    end
{%- endmacro %}

{% macro slash_date_order(relation, column_name) -%}
    {#- A select of one row saying how the slash dates of `column_name` in `relation` are
        ordered, from the values themselves: `day_first` when one has a first number above 12
        (13/1/2011 can only be 13 January), `month_first` when one has a second number above 12,
        `mixed` when both occur (no single order reads them all, so none is read), and
        `month_first_assumed` when no value decides: the order UCI publishes. `none` when no
        value has slashes. -#}
    {%- set value = clean_text(column_name) -%}
    {%- set is_slash = full_match(value, slash_date_pattern()) %}
    with slash_date_numbers as (
        select
            cast(case when {{ is_slash }} then regexp_extract({{ value }}, '^([0-9]+)/', 1) end as int) as first_number,
            cast(case when {{ is_slash }} then regexp_extract({{ value }}, '^[0-9]+/([0-9]+)/', 1) end as int) as second_number
        from {{ relation }}
    ),

    slash_date_extremes as (
        select
            count(first_number) as slash_date_count,
            coalesce(max(first_number) > 12, false) as has_day_first_evidence,
            coalesce(max(second_number) > 12, false) as has_month_first_evidence
        from slash_date_numbers
    )

    select
        slash_date_count,
        case
            when slash_date_count = 0 then 'none'
            when has_day_first_evidence and has_month_first_evidence then 'mixed'
            when has_day_first_evidence then 'day_first'
            when has_month_first_evidence then 'month_first'
            else 'month_first_assumed'
        end as slash_date_order
    from slash_date_extremes
{%- endmacro %}


{% macro parse_date(column_name) -%}
    {{ return(adapter.dispatch('parse_date', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro duckdb__parse_date(column_name) -%}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then try_cast({{ clean_text(column_name) }} as date)
    end
{%- endmacro %}

{% macro spark__parse_date(column_name) -%}
    {#- rlike finds a match anywhere, hence the anchors; an impossible date casts to null. -#}
    case
        when {{ clean_text(column_name) }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then cast({{ clean_text(column_name) }} as date)
    end
{%- endmacro %}


{% macro parse_day_month_year(column_name) -%}
    {{ return(adapter.dispatch('parse_day_month_year', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro duckdb__parse_day_month_year(column_name) -%}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[0-9]{2}-[0-9]{2}-[0-9]{4}')
            then cast(try_strptime({{ clean_text(column_name) }}, '%d-%m-%Y') as date)
    end
{%- endmacro %}

{% macro spark__parse_day_month_year(column_name) -%}
    case
        when {{ clean_text(column_name) }} rlike '^[0-9]{2}-[0-9]{2}-[0-9]{4}$'
            then cast(try_to_timestamp({{ clean_text(column_name) }}, 'dd-MM-yyyy') as date)
    end
{%- endmacro %}


{% macro parse_integer(column_name) -%}
    {{ return(adapter.dispatch('parse_integer', 'customer_segmentation')(column_name)) }}
{%- endmacro %}

{% macro duckdb__parse_integer(column_name) -%}
    {#- A plain cast would round '5.5' to 6; an integer column must hold an integer. -#}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[+-]?[0-9]{1,18}')
            then cast({{ clean_text(column_name) }} as bigint)
    end
{%- endmacro %}

{% macro spark__parse_integer(column_name) -%}
    case
        when {{ clean_text(column_name) }} rlike '^[+-]?[0-9]{1,18}$'
            then cast({{ clean_text(column_name) }} as bigint)
    end
{%- endmacro %}


{% macro parse_decimal(column_name, scale=4) -%}
    {{ return(adapter.dispatch('parse_decimal', 'customer_segmentation')(column_name, scale)) }}
{%- endmacro %}

{% macro duckdb__parse_decimal(column_name, scale=4) -%}
    case
        when regexp_full_match({{ clean_text(column_name) }}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)')
            then try_cast({{ clean_text(column_name) }} as decimal(18, {{ scale }}))
    end
{%- endmacro %}

{% macro spark__parse_decimal(column_name, scale=4) -%}
    case
        when {{ clean_text(column_name) }} rlike '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$'
            then cast({{ clean_text(column_name) }} as decimal(18, {{ scale }}))
    end
{%- endmacro %}


{% macro is_unparseable(raw_column, parsed_expression) -%}
    coalesce({{ clean_text(raw_column) }} is not null and ({{ parsed_expression }}) is null, false)
{%- endmacro %}


{% macro data_issues(checks) -%}
    {{ return(adapter.dispatch('data_issues', 'customer_segmentation')(checks)) }}
{%- endmacro %}

{% macro duckdb__data_issues(checks) -%}
    {#- checks: list of [reason_code, column_name, condition]. Gives the list of the issues
        whose condition holds, in the order given, so the first is the primary reason. Almost
        every row passes every check: those get the empty list without building one (building
        and filtering a list per row was a fifth of base_canonical__order_lines at 1M customers). -#}
    {%- set no_issues = 'cast([] as struct(reason_code varchar, column_name varchar)[])' -%}
    {%- if checks | length == 0 -%}
        {{ no_issues }}
    {%- else -%}
    case
        when
            {%- for reason_code, column_name, condition in checks %}
            coalesce({{ condition }}, false){% if not loop.last %} or{% endif %}
            {%- endfor %}
            then list_filter([
                {%- for reason_code, column_name, condition in checks %}
                case when {{ condition }} then {'reason_code': '{{ reason_code }}', 'column_name': '{{ column_name }}'} end
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            ], lambda issue: issue is not null)
        else {{ no_issues }}
    end
    {%- endif -%}
{%- endmacro %}

{% macro spark__data_issues(checks) -%}
    {%- if checks | length == 0 -%}
        cast(array() as array<struct<reason_code: string, column_name: string>>)
    {%- else -%}
    {#- array_compact drops the nulls; filter() would need a lambda, and Spark allows no
        subquery (the unknown_customer check has one) inside a lambda's function. -#}
    array_compact(array(
        {%- for reason_code, column_name, condition in checks %}
        case when {{ condition }} then {{ issue_record(reason_code, column_name) }} end
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ))
    {%- endif -%}
{%- endmacro %}


{% macro raw_record(columns) -%}
    {{ return(adapter.dispatch('raw_record', 'customer_segmentation')(columns)) }}
{%- endmacro %}

{% macro duckdb__raw_record(columns) -%}
    {#- The raw row as JSON text, column order as in the contract, for quarantine readers. -#}
    to_json({ {%- for column_name in columns %}'{{ column_name }}': raw_{{ column_name }}{% if not loop.last %}, {% endif %}{% endfor -%} })::varchar
{%- endmacro %}

{% macro spark__raw_record(columns) -%}
    {#- Empty fields kept as null, as DuckDB writes them: Spark's to_json leaves null fields out
        by default, so a quarantined row would lose its empty columns' names. -#}
    to_json(named_struct({%- for column_name in columns %}'{{ column_name }}', raw_{{ column_name }}{% if not loop.last %}, {% endif %}{% endfor -%}),
        map('ignoreNullFields', 'false'))
{%- endmacro %}


{#- Lists of issues, the one structure staging builds that the engines spell differently. -#}

{% macro issue_record(reason_code, column_name) -%}
    {{ return(adapter.dispatch('issue_record', 'customer_segmentation')(reason_code, column_name)) }}
{%- endmacro %}

{% macro duckdb__issue_record(reason_code, column_name) -%}
    {'reason_code': '{{ reason_code }}', 'column_name': '{{ column_name }}'}
{%- endmacro %}

{% macro spark__issue_record(reason_code, column_name) -%}
    named_struct('reason_code', '{{ reason_code }}', 'column_name', '{{ column_name }}')
{%- endmacro %}


{% macro issue_list(reason_code, column_name) -%}
    {#- A list holding one issue. -#}
    {{ return(adapter.dispatch('issue_list', 'customer_segmentation')(reason_code, column_name)) }}
{%- endmacro %}

{% macro duckdb__issue_list(reason_code, column_name) -%}
    [{{ issue_record(reason_code, column_name) }}]
{%- endmacro %}

{% macro spark__issue_list(reason_code, column_name) -%}
    array({{ issue_record(reason_code, column_name) }})
{%- endmacro %}


{% macro list_size(expression) -%}
    {{ return(adapter.dispatch('list_size', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__list_size(expression) -%}
    len({{ expression }})
{%- endmacro %}

{% macro spark__list_size(expression) -%}
    size({{ expression }})
{%- endmacro %}


{% macro list_first(expression) -%}
    {#- The first element, null for an empty list. -#}
    {{ return(adapter.dispatch('list_first', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__list_first(expression) -%}
    {{ expression }}[1]
{%- endmacro %}

{% macro spark__list_first(expression) -%}
    element_at({{ expression }}, 1)
{%- endmacro %}


{% macro full_match(expression, pattern) -%}
    {#- True when the whole text matches the regular expression (null for null). -#}
    {{ return(adapter.dispatch('full_match', 'customer_segmentation')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__full_match(expression, pattern) -%}
    {#- rlike finds a match anywhere: anchor it. -#}
    {{ expression }} rlike '^(?:{{ pattern }})$'
{%- endmacro %}


{% macro row_hash(expressions) -%}
    {#- A 64-bit hash of several values, nulls included, in order: a row id that costs a tenth
        of an md5 (at 10.7M order lines, 2 s against 24 s). -#}
    {{ return(adapter.dispatch('row_hash', 'customer_segmentation')(expressions)) }}
{%- endmacro %}

{% macro duckdb__row_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}

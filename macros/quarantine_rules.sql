{#- Building blocks shared by the base staging models, which parse, de-duplicate and check
    each raw file. Raw text columns are named raw_<column>, parsed ones <column>. A check is
    [reason_code, column_name, condition]; data_issues() turns a list of them into a list of
    the issues that hold. -#}

{% macro raw_columns_as(columns) -%}
    {%- for column_name in columns %}
        {{ column_name }} as raw_{{ column_name }},
    {%- endfor %}
{%- endmacro %}


{% macro required_value_checks(column_name, invalid_reason=none, parsed_column=none) %}
    {#- column_name is the contract's name; parsed_column the typed one when it is named apart. -#}
    {%- set checks = [['missing_required_value', column_name, clean_text('raw_' ~ column_name) ~ ' is null']] -%}
    {%- if invalid_reason -%}
        {%- do checks.append([invalid_reason, column_name,
            is_unparseable('raw_' ~ column_name, parsed_column or column_name)]) -%}
    {%- endif -%}
    {{ return(checks) }}
{% endmacro %}


{% macro optional_value_checks(column_name, parsed_column=none) %}
    {{ return([['invalid_value', column_name, is_unparseable('raw_' ~ column_name, parsed_column or column_name)]]) }}
{% endmacro %}


{% macro known_customer_checks(customers='customers', unknown_flag=none) %}
    {#- Files other than order lines must name a customer from customers.csv: they have no guests.
        unknown_flag names a column that already holds is_unknown_key() (see unknown_key_flag). -#}
    {{ return(required_value_checks('customer_id') + [[
        'unknown_customer', 'customer_id',
        unknown_flag or is_unknown_key('customer_id', customers)
    ]]) }}
{% endmacro %}


{% macro is_unknown_key(column_name, relation, key_column=none) -%}
    {#- The row names a key (column_name, or any expression) that relation does not hold in its
        column key_column (by default column_name). `not exists`, not `not in`: the same
        answer, as keys are never null, but Spark plans `not in` inside a select list as a
        nested-loop join of both tables (minutes at 100k customers) and `not exists` as a hash
        join; DuckDB runs both alike. -#}
    {{- column_name }} is not null and not exists (
        select 1
        from (select {{ key_column or column_name }} as known_key from {{ relation }}) as known_keys
        where known_keys.known_key = {{ column_name }}
    )
{%- endmacro %}


{% macro unknown_key_flag(column_name, relation) -%}
    {#- is_unknown_key() of the raw column's clean text, for a big file's parse step: a check's
        condition is named twice in data_issues(), and DuckDB plans a subquery named twice as
        two joins of every row (at 1M customers, 0.8 s each for ten million marketing events).
        Computed once as a column, the checks read the column. -#}
    {{- is_unknown_key(clean_text('raw_' ~ column_name), relation, column_name) }}
{%- endmacro %}


{% macro duplicate_key_preference(raw_columns) -%}
    {#- Among rows of one key, the order in which they are kept: the most complete first, then
        the first by raw text, so the choice never depends on file order. -#}
    {% for column_name in raw_columns -%}
        cast({{ clean_text('raw_' ~ column_name) }} is null as int){% if not loop.last %} + {% endif %}
    {%- endfor %},
    {% for column_name in raw_columns -%}
        raw_{{ column_name }}{% if not loop.last %}, {% endif %}
    {%- endfor %}
{%- endmacro %}


{% macro duplicate_key_rejections(key_columns, raw_columns) -%}
    {#- A second distinct row for the same key is rejected as duplicate_key. The row kept is the
        one without other rejections, then the most complete, then the first by raw text, so
        the choice does not depend on file order. -#}
    case
        when {{ list_size('row_rejections') }} = 0 and row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by
                {{ list_size('row_rejections') }} > 0,
                {{ duplicate_key_preference(raw_columns) }}
        ) > 1
            then {{ issue_list('duplicate_key', key_columns | join(', ')) }}
        else row_rejections
    end
{%- endmacro %}


{% macro with_duplicate_key_rejections(relation, key_columns, raw_columns, column_name='rejection_reasons') -%}
    {#- Every row of relation with duplicate_key_rejections() as column_name. Only a key held by
        two or more rows without other rejections can have a duplicate, so only its rows are
        ranked; ranking every row was two thirds of base_canonical__order_lines' time. -#}
    {%- set key_match -%}
        {%- for column_name in key_columns -%}
            {{ relation }}.{{ column_name }} = duplicate_keys.{{ column_name }}{% if not loop.last %} and {% endif %}
        {%- endfor -%}
    {%- endset %}
    with duplicate_keys as (
        select {{ key_columns | join(', ') }}
        from {{ relation }}
        where {{ list_size('row_rejections') }} = 0
        group by {{ key_columns | join(', ') }}
        having count(*) > 1
    )

    select
        *,
        row_rejections as {{ column_name }}
    from {{ relation }}
    where not exists (select 1 from duplicate_keys where {{ key_match }})

    union all

    select
        *,
        {{ duplicate_key_rejections(key_columns, raw_columns) }} as {{ column_name }}
    from {{ relation }}
    where exists (select 1 from duplicate_keys where {{ key_match }})
{%- endmacro %}


{% macro issue_summary_columns(raw_columns, key_columns) -%}
    {#- The shared tail of every base model. record_key is built from the raw text, so a row
        whose key does not parse can still be found; raw_row_id is the grain (one row per
        distinct raw row), so its unique test catches a join that fans rows out; raw_record is
        kept only where quarantine shows it. -#}
        {% set raw_expressions = [] -%}
        {%- for column_name in raw_columns -%}
            {%- do raw_expressions.append('raw_' ~ column_name) -%}
        {%- endfor -%}
        {{ row_hash(raw_expressions) }} as raw_row_id,
        {% for column_name in key_columns -%}
            coalesce(raw_{{ column_name }}, '') {%- if not loop.last %} || '|' || {% endif %}
        {%- endfor %} as record_key,
        rejection_reasons,
        value_issues,
        {{ list_size('rejection_reasons') }} > 0 as is_rejected,
        {{ list_first('rejection_reasons') }}['reason_code'] as rejection_reason,
        raw_row_count,
        case
            when {{ list_size('rejection_reasons') }} > 0 or {{ list_size('value_issues') }} > 0 or raw_row_count > 1
                then {{ raw_record(raw_columns) }}
        end as raw_record
{%- endmacro %}


{% macro required_integer_checks(columns, min_value=none, max_value=none) %}
    {#- For each required whole-number column: `missing_required_value` when empty,
        `invalid_integer` when it does not parse, `out_of_range` outside min_value..max_value. -#}
    {%- set checks = [] -%}
    {%- for column_name, parsed_column in columns.items() -%}
        {%- do checks.extend(required_value_checks(column_name, 'invalid_integer', parsed_column)) -%}
        {%- if min_value is not none -%}
            {%- do checks.append(['out_of_range', column_name, parsed_column ~ ' < ' ~ min_value]) -%}
        {%- endif -%}
        {%- if max_value is not none -%}
            {%- do checks.append(['out_of_range', column_name, parsed_column ~ ' > ' ~ max_value]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}


{% macro raw_rows(table_name, raw_columns, key_expressions=none) -%}
    {#- One read of the raw file as raw_<column> text and, given key_expressions (each key
        column's parsing of the raw text), key_hash: the row_hash of the key. DuckDB reads only
        the columns a query uses. -#}
    (
        select
            *
            {%- if key_expressions %},
            {{ row_hash(key_expressions.values() | list) }} as key_hash
            {%- endif %}
        from (
            select
                {%- for column_name in raw_columns %}
                {{ column_name }} as raw_{{ column_name }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ raw_source(table_name) }}
        ) as raw_file
    ) as raw_rows
{%- endmacro %}


{% macro duplicate_key_ranks_ctes(repeated_key_rows, raw_columns, key_expressions, parsed_columns, row_checks, joined_columns=none, joins=none) -%}
    {#- CTEs (each followed by a comma) ending in duplicate_key_ranks, the rank of every row of
        repeated_key_rows (distinct_rows_ctes()) whose key is known, without naming the file's
        parsed rows twice (DuckDB would materialize all of them; at 1M customers that spilled
        gigabytes). Only these few rows are parsed, joined and checked a second time, by the
        same parsed_columns, joins and row_checks as the model's main chain. The rank is
        that of duplicate_key_rejections(): rows without other rejections compete, the most
        complete first, then the first by raw text. key_expressions maps each key column to its
        parsing of the raw_ text; joins refer to the parsed rows as parsed_rows. -#}
repeated_key_rows_parsed as (
    select
        *,
        {{ parsed_columns }}
    from {{ repeated_key_rows }}
    where
        {%- for key_column, expression in key_expressions.items() %}
        {{ expression }} is not null{% if not loop.last %} and{% endif %}
        {%- endfor %}
),

repeated_key_rows_joined as (
    select
        parsed_rows.*
        {%- if joined_columns %},
        {{ joined_columns }}
        {%- endif %}
    from repeated_key_rows_parsed as parsed_rows
    {{ joins or '' }}
),

duplicate_key_ranks as (
    select
        {%- for column_name in raw_columns %}
        raw_{{ column_name }},
        {%- endfor %}
        row_number() over (
            partition by {{ key_expressions.keys() | join(', ') }}
            order by {{ duplicate_key_preference(raw_columns) }}
        ) as key_rank
    from repeated_key_rows_joined
    where {{ list_size(data_issues(row_checks)) }} = 0
),
{%- endmacro %}


{% macro with_duplicate_key_ranks(relation, key_columns, raw_columns) -%}
    {#- Every row of relation with rejection_reasons: duplicate_key where duplicate_key_ranks
        (duplicate_key_ranks_ctes()) ranks it after another row of its key, else its own. -#}
    select
        {{ relation }}.*,
        case
            when duplicate_key_ranks.key_rank > 1
                then {{ issue_list('duplicate_key', key_columns | join(', ')) }}
            else {{ relation }}.row_rejections
        end as rejection_reasons
    from {{ relation }}
    left join duplicate_key_ranks
        on
        {%- for column_name in raw_columns %}
            {{ relation }}.raw_{{ column_name }} is not distinct from duplicate_key_ranks.raw_{{ column_name }}
            {%- if not loop.last %} and{% endif %}
        {%- endfor %}
{%- endmacro %}

{#- SQL that DuckDB and Spark spell differently, one macro per construct: models call these and
    never test target.type. Each duckdb__ is the DuckDB text; spark__ says the same in Spark SQL. -#}

{% macro asof_left_join(relation, key_column, date_column, key_value, date_value) -%}
    {#- Each left row joined to the relation's row for the same key with the latest date_column
        on or before date_value (none when there is no such row). -#}
    {{ return(adapter.dispatch('asof_left_join', 'customer_segmentation')(
        relation, key_column, date_column, key_value, date_value)) }}
{%- endmacro %}

{% macro duckdb__asof_left_join(relation, key_column, date_column, key_value, date_value) -%}
    asof left join {{ relation }}
        on
            {{ key_value }} = {{ relation }}.{{ key_column }}
            and {{ date_value }} >= {{ relation }}.{{ date_column }}
{%- endmacro %}

{% macro spark__asof_left_join(relation, key_column, date_column, key_value, date_value) -%}
    {#- Spark has no ASOF join: each row is valid until the next date of its key, so a range
        join finds the same single row. -#}
    left join (
        select
            *,
            lead({{ date_column }}) over (partition by {{ key_column }} order by {{ date_column }}) as asof_valid_until
        from {{ relation }}
    ) as {{ relation }}
        on
            {{ key_value }} = {{ relation }}.{{ key_column }}
            and {{ date_value }} >= {{ relation }}.{{ date_column }}
            and ({{ relation }}.asof_valid_until is null or {{ date_value }} < {{ relation }}.asof_valid_until)
{%- endmacro %}


{% macro unnest_list(expression) -%}
    {#- In a select list: one row per element of the list. -#}
    {{ return(adapter.dispatch('unnest_list', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(expression) -%}
    unnest({{ expression }})
{%- endmacro %}

{% macro spark__unnest_list(expression) -%}
    explode({{ expression }})
{%- endmacro %}


{% macro issue_reason_codes(expression) -%}
    {#- The reason codes of a list of issues, comma-separated in list order. -#}
    {{ return(adapter.dispatch('issue_reason_codes', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__issue_reason_codes(expression) -%}
    array_to_string(list_transform({{ expression }}, lambda issue: issue['reason_code']), ', ')
{%- endmacro %}

{% macro spark__issue_reason_codes(expression) -%}
    array_join(transform({{ expression }}, issue -> issue.reason_code), ', ')
{%- endmacro %}


{% macro arg_min_lexicographic(value, keys) -%}
    {#- Aggregate: the value of the row with the smallest keys, compared in order (so a later
        key breaks ties of an earlier one). -#}
    {{ return(adapter.dispatch('arg_min_lexicographic', 'customer_segmentation')(value, keys)) }}
{%- endmacro %}

{% macro duckdb__arg_min_lexicographic(value, keys) -%}
    arg_min({{ value }}, [{{ keys | join(', ') }}])
{%- endmacro %}

{% macro spark__arg_min_lexicographic(value, keys) -%}
    min_by({{ value }}, struct({{ keys | join(', ') }}))
{%- endmacro %}


{% macro ordered_string_agg(expression, separator, order_by) -%}
    {#- Aggregate: the values joined by separator, in order_by order. An aggregate filter
        (`filter (where ...)`) may follow on both engines. -#}
    {{ return(adapter.dispatch('ordered_string_agg', 'customer_segmentation')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, '{{ separator }}' order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, separator, order_by) -%}
    listagg({{ expression }}, '{{ separator }}') within group (order by {{ order_by }})
{%- endmacro %}


{% macro month_starts_between(first_month, last_month) -%}
    {#- In a select list: one row per first day of a month, first_month to last_month inclusive
        (both first days of months). -#}
    {{ return(adapter.dispatch('month_starts_between', 'customer_segmentation')(first_month, last_month)) }}
{%- endmacro %}

{% macro duckdb__month_starts_between(first_month, last_month) -%}
    cast(unnest(range({{ first_month }}, {{ last_month }} + interval 1 day, interval 1 month)) as date)
{%- endmacro %}

{% macro spark__month_starts_between(first_month, last_month) -%}
    explode(sequence({{ first_month }}, {{ last_month }}, interval 1 month))
{%- endmacro %}


{% macro days_before(first_day, end_day) -%}
    {#- In a select list: one row per day from first_day up to the day before end_day (dates). -#}
    {{ return(adapter.dispatch('days_before', 'customer_segmentation')(first_day, end_day)) }}
{%- endmacro %}

{% macro duckdb__days_before(first_day, end_day) -%}
    cast(unnest(range(cast({{ first_day }} as timestamp), cast({{ end_day }} as timestamp), interval 1 day)) as date)
{%- endmacro %}

{% macro spark__days_before(first_day, end_day) -%}
    explode(sequence({{ first_day }}, date_sub({{ end_day }}, 1), interval 1 day))
{%- endmacro %}


{% macro json_text(expression, key) -%}
    {#- The text of a top-level key of a JSON object held as text. -#}
    {{ return(adapter.dispatch('json_text', 'customer_segmentation')(expression, key)) }}
{%- endmacro %}

{% macro duckdb__json_text(expression, key) -%}
    {{ expression }} ->> '{{ key }}'
{%- endmacro %}

{% macro spark__json_text(expression, key) -%}
    get_json_object({{ expression }}, '$.{{ key }}')
{%- endmacro %}


{% macro thousands_separated(expression) -%}
    {#- A whole number as text with comma thousands separators: 12,345. -#}
    {{ return(adapter.dispatch('thousands_separated', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__thousands_separated(expression) -%}
    format('{:,}', {{ expression }})
{%- endmacro %}

{% macro spark__thousands_separated(expression) -%}
    format_number({{ expression }}, 0)
{%- endmacro %}


{% macro general_number_text(expression) -%}
    {#- A number as C's printf('%g') writes it: six significant digits, no trailing zeros. -#}
    {{ return(adapter.dispatch('general_number_text', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__general_number_text(expression) -%}
    printf('%g', {{ expression }})
{%- endmacro %}

{% macro spark__general_number_text(expression) -%}
    {#- Java's %g keeps trailing zeros (2000.00): strip them, then a bare point. -#}
    regexp_replace(regexp_replace(format_string('%.6g', cast({{ expression }} as double)),
        '(\\.[0-9]*?)0+$', '$1'), '\\.$', '')
{%- endmacro %}


{% macro decimal_from_double(expression, scale) -%}
    {#- A double rounded to a decimal(18, scale) as DuckDB rounds it: scaled in double first, so
        17.365 (stored as 17.36499...) gives 17.36. Spark's plain cast reads the double as its
        shortest text, 17.365, and rounds that up. -#}
    {{ return(adapter.dispatch('decimal_from_double', 'customer_segmentation')(expression, scale)) }}
{%- endmacro %}

{% macro duckdb__decimal_from_double(expression, scale) -%}
    cast({{ expression }} as decimal(18, {{ scale }}))
{%- endmacro %}

{% macro spark__decimal_from_double(expression, scale) -%}
    cast(round(({{ expression }}) * 1e{{ scale }}, 0) / 1e{{ scale }} as decimal(18, {{ scale }}))
{%- endmacro %}


{% macro line_amount(quantity, unit_price_amount) -%}
    {#- An order line's amount: quantity times unit price, rounded half away from zero to a
        decimal(18, 4). The unit price has at most 8 decimals (every format stages it so). -#}
    {{ return(adapter.dispatch('line_amount', 'customer_segmentation')(quantity, unit_price_amount)) }}
{%- endmacro %}

{% macro duckdb__line_amount(quantity, unit_price_amount) -%}
    {#- DuckDB multiplies two decimals of up to 18 digits in 64 bits (and raises an error past
        them) but a bigint, a 19-digit decimal, in 128; rounding that 128-bit product to 4
        decimals was most of the time of the models that read order lines (2 s per read of
        10.6M lines against 0.07 s). Lines too large for 64 bits, with ample margin for the
        double-precision test, take the 128-bit product: the same value either way. -#}
    case
        when abs(cast({{ quantity }} as double) * cast({{ unit_price_amount }} as double)) < 9000000000
            then cast(cast({{ quantity }} as decimal(18, 0)) * {{ unit_price_amount }} as decimal(18, 4))
        else {{ spark__line_amount(quantity, unit_price_amount) }}
    end
{%- endmacro %}

{% macro spark__line_amount(quantity, unit_price_amount) -%}
    {#- 19 digits: Spark widens a bigint to 20, and past 38 digits it rounds the product to 7
        decimals before the cast to 4. -#}
    cast(cast({{ quantity }} as decimal(19, 0)) * {{ unit_price_amount }} as decimal(18, 4))
{%- endmacro %}


{% macro converted_unit_price(unit_price_amount, exchange_rate) -%}
    {#- A unit price in the reporting currency: a decimal(18, 4) price times a decimal(18, 10)
        rate, rounded half away from zero to a decimal(18, 8). -#}
    {{ return(adapter.dispatch('converted_unit_price', 'customer_segmentation')(unit_price_amount, exchange_rate)) }}
{%- endmacro %}

{% macro duckdb__converted_unit_price(unit_price_amount, exchange_rate) -%}
    {#- As in duckdb__line_amount: the two 18-digit decimals multiply in 64 bits (a
        decimal(18, 14), below 1e4) where the product fits, with a margin for the double test;
        that takes 0.04 s per ten million lines against 4.9 s for the 128-bit product. -#}
    case
        when abs(cast({{ unit_price_amount }} as double) * cast({{ exchange_rate }} as double)) < 9000
            then cast({{ unit_price_amount }} * {{ exchange_rate }} as decimal(18, 8))
        else {{ spark__converted_unit_price(unit_price_amount, exchange_rate) }}
    end
{%- endmacro %}

{% macro spark__converted_unit_price(unit_price_amount, exchange_rate) -%}
    {#- To 19 digits, not 38: Spark rounds a product past 38 digits to 6 decimals. -#}
    cast(cast({{ unit_price_amount }} as decimal(19, 4)) * {{ exchange_rate }} as decimal(18, 8))
{%- endmacro %}


{% macro fail_query(message) -%}
    {#- An expression that stops the query with the message when it is evaluated. -#}
    {{ return(adapter.dispatch('fail_query', 'customer_segmentation')(message)) }}
{%- endmacro %}

{% macro duckdb__fail_query(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__fail_query(message) -%}
    raise_error({{ message }})
{%- endmacro %}


{% macro has_prefix(expression, prefix) -%}
    {#- The text starts with prefix (both expressions); null when either is null. -#}
    {{ return(adapter.dispatch('has_prefix', 'customer_segmentation')(expression, prefix)) }}
{%- endmacro %}

{% macro duckdb__has_prefix(expression, prefix) -%}
    starts_with({{ expression }}, {{ prefix }})
{%- endmacro %}

{% macro spark__has_prefix(expression, prefix) -%}
    startswith({{ expression }}, {{ prefix }})
{%- endmacro %}


{% macro stable_unit_interval(expression) -%}
    {#- A number in [0, 1) from the text's MD5 (its first 32 bits): the same on every engine,
        version and run, unlike the engines' own hash functions, so a split made from it can
        be recomputed anywhere (Python: int(md5(text).hexdigest()[:8], 16) / 2**32). -#}
    {{ return(adapter.dispatch('stable_unit_interval', 'customer_segmentation')(expression)) }}
{%- endmacro %}

{% macro duckdb__stable_unit_interval(expression) -%}
    cast(('0x' || left(md5({{ expression }}), 8)) as ubigint) / 4294967296.0
{%- endmacro %}

{% macro spark__stable_unit_interval(expression) -%}
    {#- A double, as on DuckDB: Spark would divide a bigint by the literal as a decimal. -#}
    cast(conv(substr(md5({{ expression }}), 1, 8), 16, 10) as double) / 4294967296
{%- endmacro %}


{% macro distinct_rows_ctes(table_name, raw_columns, key_expressions) -%}
    {#- For the big raw files: CTEs (each followed by a comma) ending in distinct_rows, every
        distinct raw row of the file once with raw_row_count, its number of copies, and
        repeated_key_rows, the distinct rows whose key hash (the row_hash of key_expressions,
        each key column's parsing of the raw text) two or more raw rows share. -#}
    {{ return(adapter.dispatch('distinct_rows_ctes', 'customer_segmentation')(table_name, raw_columns, key_expressions)) }}
{%- endmacro %}

{% macro duckdb__distinct_rows_ctes(table_name, raw_columns, key_expressions) -%}
    {#- Exact copies share their key, so only the rows of a repeated key hash are grouped to
        count copies; every other row passes with a count of 1 (a hash two keys share only sends
        a few more rows through the exact path). Grouping every row by all its columns, and
        holding the result for the CTEs that read it twice, was most of
        base_canonical__order_lines' time at 1M customers and spilled gigabytes; reading the
        file's text again costs about two seconds. -#}
    {%- set raw_column_list = 'raw_' ~ raw_columns | join(', raw_') -%}
repeated_key_hashes as (
    select key_hash
    from {{ raw_rows(table_name, raw_columns, key_expressions) }}
    group by key_hash
    having count(*) > 1
),

repeated_key_rows as (
    select
        {{ raw_column_list }},
        count(*) as raw_row_count
    from {{ raw_rows(table_name, raw_columns, key_expressions) }}
    where raw_rows.key_hash in (select key_hash from repeated_key_hashes)
    group by {{ raw_column_list }}
),

distinct_rows as (
    select
        {{ raw_column_list }},
        1 as raw_row_count
    from {{ raw_rows(table_name, raw_columns, key_expressions) }}
    where raw_rows.key_hash not in (select key_hash from repeated_key_hashes)

    union all

    select * from repeated_key_rows
),
{%- endmacro %}

{% macro spark__distinct_rows_ctes(table_name, raw_columns, key_expressions) -%}
    {#- The whole file grouped by all its columns. Spark's optimizer fails on DuckDB's union
        (PushProjectionThroughUnion: "key not found") once a select with a correlated subquery,
        the unknown-customer check, sits above it. -#}
    {%- set raw_column_list = 'raw_' ~ raw_columns | join(', raw_') -%}
distinct_rows as (
    select
        {{ raw_column_list }},
        count(*) as raw_row_count
    from {{ raw_rows(table_name, raw_columns) }}
    group by {{ raw_column_list }}
),

distinct_rows_keyed as (
    select
        *,
        {{ row_hash(key_expressions.values() | list) }} as key_hash
    from distinct_rows
),

repeated_key_rows as (
    select
        {{ raw_column_list }},
        raw_row_count
    from distinct_rows_keyed
    where key_hash in (
        select key_hash
        from distinct_rows_keyed
        group by key_hash
        having sum(raw_row_count) > 1
    )
),
{%- endmacro %}

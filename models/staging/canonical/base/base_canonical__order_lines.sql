{%- set raw_columns = ['order_id', 'line_number', 'customer_id', 'ordered_at', 'product_id',
    'quantity', 'unit_price', 'currency', 'channel', 'promotion_id'] -%}
{%- set reporting_currency = var('reporting_currency') | upper -%}
{#- An empty currency is the reporting currency: the parse and the count of the file's
    currencies (line_currency_codes) read the raw text alike. -#}
{%- set currency_code = "coalesce(upper(" ~ clean_text('raw_currency') ~ "), '" ~ reporting_currency ~ "')" -%}

{#- The shape of this model is set by its cost at 1M customers (12M lines, bench/results):
    DuckDB materializes every CTE named twice, and materializing ten million rows spilled
    gigabytes under the 3 GB memory limit. So the parsed lines flow through one chain (parse,
    check, write) named once each, and the second looks (orders with two customers, keys held
    by two rows) read the file's text again, which costs about two seconds a read
    (distinct_rows_ctes). The parsing, joins and checks are written once, below, for the main
    chain and for the small chain of rows whose key repeats. -#}

{%- set parsed_columns -%}
        ---------- ids
        {{ clean_text('raw_order_id') }} as order_id,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ clean_text('raw_product_id') }} as product_id,
        {{ clean_text('raw_promotion_id') }} as promotion_id,

        ---------- strings
        {{ currency_code }} as currency_code,

        ---------- numerics
        {{ parse_integer('raw_line_number') }} as line_number,
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_decimal('raw_unit_price') }} as unit_price_original_amount,

        ---------- timestamps
        {{ parse_timestamp('raw_ordered_at') }} as ordered_at,

        ---------- flags
        {{ unknown_key_flag('customer_id', 'customers') }} as is_unknown_customer,
        {{ unknown_key_flag('product_id', 'products') }} as is_unknown_product
{%- endset -%}

{#- An order cannot be placed after the build ran. One line dated 2099 would otherwise move
    as_of_date (the day after the last order) into 2100 and age every customer by decades. A
    day's grace for files written in a zone ahead of UTC without an offset. -#}
{%- set latest_order_at = (run_started_at + modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d %H:%M:%S') -%}

{#- The largest unit price and line amount, in the reporting currency, that the warehouse's
    decimal(18, 8) unit price and decimal(18, 4) line amount hold (less one, so that rounding in
    the double-precision check cannot let a larger one through). Larger lines are quarantined:
    they failed the build in the conversion or in the line amount's cast. -#}
{%- set amount_out_of_range -%}
    (abs(cast(unit_price_original_amount as double) * cast(exchange_rate as double)) > 9999999999
        or abs(cast(quantity as double) * cast(unit_price_original_amount as double)
            * cast(exchange_rate as double)) > 99999999999999)
{%- endset -%}

{%- set row_checks = required_value_checks('order_id')
    + required_value_checks('line_number', 'invalid_integer')
    + required_value_checks('ordered_at', 'invalid_timestamp')
    + [['future_timestamp', 'ordered_at', "ordered_at > cast('" ~ latest_order_at ~ "' as timestamp)"]]
    + required_value_checks('product_id')
    + required_value_checks('quantity', 'invalid_integer')
    + [['zero_quantity', 'quantity', 'quantity = 0']]
    + required_value_checks('unit_price', 'invalid_decimal', 'unit_price_original_amount')
    + [['negative_unit_price', 'unit_price', 'unit_price_original_amount < 0']]
    + [['out_of_range', 'unit_price', amount_out_of_range]]
    + [['invalid_code', 'currency', 'not ' ~ full_match('currency_code', '[A-Z]{3}')]]
    + required_value_checks('channel')
    + [['invalid_code', 'channel', clean_text('raw_channel') ~ ' is not null and channel is null']]
    + [['unknown_customer', 'customer_id', 'is_unknown_customer']]
    + [['missing_exchange_rate', 'currency', 'exchange_rate is null and ordered_at is not null']]
    + [['conflicting_order_customer', 'customer_id', 'customer_count > 1']] -%}

{%- set value_checks = [['unknown_product', 'product_id', 'is_unknown_product']] -%}

{#- The main chain reads each raw column trimmed once (cleaned_rows); the small chain of
    repeated keys keeps the expressions as written. -#}
{%- set main_parsed_columns = reading_cleaned_columns(parsed_columns, raw_columns) -%}
{%- set main_row_checks = reading_cleaned_checks(row_checks, raw_columns) -%}

{%- set checked_columns -%}
{#- From a parsed row joined to its channel, exchange rate and order customer count. -#}
        channel_aliases.channel,
        case
            when
                parsed_rows.currency_code = '{{ reporting_currency }}'
                or unconverted_currency.currency_code is not null
                then cast(1 as decimal(18, 10))
            else coalesce(exchange_rate_days.rate_to_reporting, latest_exchange_rates.rate_to_reporting)
        end as exchange_rate,
        coalesce(conflicting_orders.customer_count, 1) as customer_count
{%- endset -%}

{%- set checked_joins -%}
    left join channel_aliases
        on {{ clean_code('parsed_rows.raw_channel') }} = channel_aliases.channel_alias
    left join exchange_rate_days
        on parsed_rows.currency_code = exchange_rate_days.currency_code
        and cast(parsed_rows.ordered_at as date) = exchange_rate_days.rate_day
    left join latest_exchange_rates
        on parsed_rows.currency_code = latest_exchange_rates.currency_code
        and cast(parsed_rows.ordered_at as date) >= latest_exchange_rates.rate_date
    left join unconverted_currency
        on parsed_rows.currency_code = unconverted_currency.currency_code
    left join conflicting_orders
        on parsed_rows.order_id = conflicting_orders.order_id
{%- endset -%}

{%- set key_expressions = {'order_id': clean_text('raw_order_id'), 'line_number': parse_integer('raw_line_number')} -%}

with

customers as (
    select * from {{ ref('stg_canonical__customers') }}
),

products as (
    select * from {{ ref('stg_canonical__products') }}
),

exchange_rates as (
    select * from {{ ref('stg_canonical__exchange_rates') }}
),

channel_aliases as (
    select * from {{ ref('channel_aliases') }}
),

exchange_rates_valid_until as (
    select
        *,
        lead(rate_date) over (partition by currency_code order by rate_date) as next_rate_date
    from exchange_rates
),

exchange_rate_days as (
    {#- The rate of every day from a rate's date to the day before the next one: each line then
        finds its rate (that of its date, or the latest before) by an equality join. An as-of
        join did the same but sorted every line: a third of this model's time at 1M. -#}
    select
        currency_code,
        rate_to_reporting,
        {{ days_before('rate_date', 'next_rate_date') }} as rate_day
    from exchange_rates_valid_until
    where next_rate_date is not null
),

latest_exchange_rates as (
    {#- The latest rate of each currency holds for every day after it. -#}
    select
        currency_code,
        rate_date,
        rate_to_reporting
    from exchange_rates_valid_until
    where next_rate_date is null
),

line_currency_codes as (
    {#- The contract asks for exchange rates only when order lines hold more than one currency.
        One more read of the file, of its currency column only. -#}
    select {{ currency_code }} as currency_code
    from {{ raw_rows('order_lines', raw_columns) }}
),

line_currencies as (
    select
        count(distinct currency_code) as currency_count,
        min(currency_code) as currency_code
    from line_currency_codes
    where {{ full_match('currency_code', '[A-Z]{3}') }}
),

rated_currencies as (
    select distinct currency_code
    from exchange_rates
),

unconverted_currency as (
    {#- Lines all in one currency that has no rate stay in it (rate 1): the amounts are then in
        that currency, not reporting_currency (docs/raw-contract.md). -#}
    select line_currencies.currency_code
    from line_currencies
    left join rated_currencies
        on line_currencies.currency_code = rated_currencies.currency_code
    where
        line_currencies.currency_count = 1
        and rated_currencies.currency_code is null
),

---------- every distinct row, once, and those whose key another raw row also holds

{{ distinct_rows_ctes('order_lines', raw_columns, key_expressions) }}

conflicting_orders as (
    {#- One order belongs to one customer (or is a guest order); lines that disagree cannot be
        attributed, so the whole order is rejected rather than split. -#}
    select
        {{ clean_text('raw_order_id') }} as order_id,
        count(distinct coalesce({{ clean_text('raw_customer_id') }}, '')) as customer_count
    from {{ raw_rows('order_lines', raw_columns) }}
    where {{ clean_text('raw_order_id') }} is not null
    group by {{ clean_text('raw_order_id') }}
    having count(distinct coalesce({{ clean_text('raw_customer_id') }}, '')) > 1
),

---------- the few rows whose key another row also holds, ranked

{{ duplicate_key_ranks_ctes(
    'repeated_key_rows', raw_columns, key_expressions,
    parsed_columns, row_checks, checked_columns, checked_joins
) }}

cleaned_rows as (
    select
        *,
        {{- cleaned_raw_columns(raw_columns) }}
    from distinct_rows
),

parsed as (
    select
        *,
        {{ main_parsed_columns }}
    from cleaned_rows
),

converted as (
    select
        parsed_rows.*,
        {{ checked_columns }}
    from parsed as parsed_rows
    {{ checked_joins }}
),

checked as (
    select
        *,
        {{ data_issues(main_row_checks) }} as row_rejections,
        {{ data_issues(value_checks) }} as value_issues
    from converted
),

keyed as (
    {{ with_duplicate_key_ranks('checked', ['order_id', 'line_number'], raw_columns) }}
),

final as (
    select
        order_id || '|' || cast(line_number as {{ dbt.type_string() }}) as order_line_id,
        order_id,
        line_number,
        customer_id,
        product_id,
        promotion_id,
        channel,
        currency_code,
        quantity,
        unit_price_original_amount,
        exchange_rate,
        case
            {# Quarantined above; computing it would overflow. #}
            when {{ amount_out_of_range }} then null
            {# A rate of 1 needs no arithmetic. #}
            when exchange_rate = 1 then cast(unit_price_original_amount as decimal(18, 8))
            else {{ converted_unit_price('unit_price_original_amount', 'exchange_rate') }}
        end as unit_price_amount,
        ordered_at,
        {{ issue_summary_columns(raw_columns, ['order_id', 'line_number']) }}
    from keyed
)

select * from final

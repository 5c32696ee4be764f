{%- set raw_columns = ['order_id', 'line_number', 'customer_id', 'ordered_at', 'product_id',
    'quantity', 'unit_price', 'currency', 'channel', 'promotion_id'] -%}
{%- set reporting_currency = var('reporting_currency') | upper -%}

with

source as (
    select * from {{ raw_source('order_lines') }}
),

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

distinct_rows as (
    select
        {{- raw_columns_as(raw_columns) }}
        count(*) as raw_row_count
    from source
    group by all
),

parsed as (
    select
        distinct_rows.*,

        ---------- ids
        {{ clean_text('raw_order_id') }} as order_id,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ clean_text('raw_product_id') }} as product_id,
        {{ clean_text('raw_promotion_id') }} as promotion_id,

        ---------- strings
        coalesce(upper({{ clean_text('raw_currency') }}), '{{ reporting_currency }}') as currency_code,
        channel_aliases.channel,

        ---------- numerics
        {{ parse_integer('raw_line_number') }} as line_number,
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_decimal('raw_unit_price') }} as unit_price_original_amount,

        ---------- timestamps
        {{ parse_timestamp('raw_ordered_at') }} as ordered_at

    from distinct_rows
    left join channel_aliases
        on {{ clean_code('distinct_rows.raw_channel') }} = channel_aliases.channel_alias
),

order_customer_counts as (
    {#- One order belongs to one customer (or is a guest order); lines that disagree cannot be
        attributed, so the whole order is rejected rather than split. -#}
    select
        order_id,
        count(distinct coalesce(customer_id, '')) as customer_count
    from parsed
    where order_id is not null
    group by order_id
),

in_reporting_currency as (
    select
        *,
        cast(1 as decimal(18, 4)) as exchange_rate
    from parsed
    where currency_code = '{{ reporting_currency }}'
),

in_other_currencies as (
    {#- The rate of the order date or the latest before it. Only these lines go through the
        as-of join, which sorts its input: every line took a third of the model's time. -#}
    select
        parsed.*,
        exchange_rates.rate_to_reporting as exchange_rate
    from parsed
    {{ asof_left_join('exchange_rates', 'currency_code', 'rate_date', 'parsed.currency_code',
        'cast(parsed.ordered_at as date)') }}
    where parsed.currency_code != '{{ reporting_currency }}'
),

priced as (
    select * from in_reporting_currency
    union all
    select * from in_other_currencies
),

converted as (
    select
        priced.*,
        order_customer_counts.customer_count
    from priced
    left join order_customer_counts
        on priced.order_id = order_customer_counts.order_id
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('order_id')
            + required_value_checks('line_number', 'invalid_integer')
            + required_value_checks('ordered_at', 'invalid_timestamp')
            + required_value_checks('product_id')
            + required_value_checks('quantity', 'invalid_integer')
            + [['zero_quantity', 'quantity', 'quantity = 0']]
            + required_value_checks('unit_price', 'invalid_decimal', 'unit_price_original_amount')
            + [['negative_unit_price', 'unit_price', 'unit_price_original_amount < 0']]
            + [['invalid_code', 'currency', 'not ' ~ full_match('currency_code', '[A-Z]{3}')]]
            + required_value_checks('channel')
            + [['invalid_code', 'channel', clean_text('raw_channel') ~ ' is not null and channel is null']]
            + [['unknown_customer', 'customer_id',
                is_unknown_key('customer_id', 'customers')]]
            + [['missing_exchange_rate', 'currency', 'exchange_rate is null and ordered_at is not null']]
            + [['conflicting_order_customer', 'customer_id', 'customer_count > 1']]
        ) }} as row_rejections,
        {{ data_issues([
            ['unknown_product', 'product_id',
                is_unknown_key('product_id', 'products')]
        ]) }} as value_issues
    from converted
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['order_id', 'line_number'], raw_columns) }}
),

final as (
    select
        order_id || '-' || cast(line_number as {{ dbt.type_string() }}) as order_line_id,
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
        unit_price_original_amount * exchange_rate as unit_price_amount,
        ordered_at,
        {{ issue_summary_columns(raw_columns, ['order_id', 'line_number']) }}
    from keyed
)

select * from final

{#- The sales and cancellations of the file, in the columns of the shared order-line interface:
    amounts stay in pounds sterling (the file has no rates), and the channel is web, since the
    retailer sells only online. Guest lines (no customer) are kept for totals. -#}
with

base as (
    select * from {{ ref('base_online_retail__order_lines') }}
),

kept as (
    select
        ---------- ids
        order_line_id,
        order_id,
        line_number,
        customer_id,
        product_id,
        cast(null as {{ dbt.type_string() }}) as promotion_id,

        ---------- strings
        product_name,
        country,
        'web' as channel,
        'GBP' as currency_code,

        ---------- numerics
        quantity,
        unit_price_original_amount,
        cast(1 as decimal(18, 10)) as exchange_rate,
        unit_price_original_amount as unit_price_amount,

        ---------- booleans
        is_cancellation,

        ---------- timestamps
        ordered_at
    from base
    where not is_rejected
)

select * from kept

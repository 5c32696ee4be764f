with

base as (
    select * from {{ ref('base_canonical__order_lines') }}
),

kept as (
    select
        order_line_id,
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
        unit_price_amount,
        ordered_at
    from base
    where not is_rejected
)

select * from kept

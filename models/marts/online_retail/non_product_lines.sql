{#- The side table of lines that are not sales (postage, fees, discounts, manual corrections,
    gift vouchers ...): they count in no customer's monetary value, orders or recency. -#}
with

base as (
    select * from {{ ref('base_online_retail__order_lines') }}
),

non_product_codes as (
    select * from {{ ref('online_retail_non_product_codes') }}
),

set_aside as (
    select * from base
    where rejection_reason = 'non_product_stock_code'
),

described as (
    select
        set_aside.order_line_id,
        set_aside.order_id,
        set_aside.line_number,
        set_aside.customer_id,
        set_aside.product_id as stock_code,
        non_product_codes.stock_code as non_product_code,
        non_product_codes.description as non_product_description,
        set_aside.product_name,
        set_aside.country,
        set_aside.quantity,
        set_aside.unit_price_original_amount as unit_price_amount,
        {{ line_amount('set_aside.quantity', 'set_aside.unit_price_original_amount') }} as line_amount,
        set_aside.is_cancellation,
        set_aside.raw_row_count,
        set_aside.ordered_at
    from set_aside
    inner join non_product_codes
        on
            upper(set_aside.product_id) = non_product_codes.stock_code
            or (
                non_product_codes.is_prefix
                and {{ has_prefix('upper(set_aside.product_id)', 'non_product_codes.stock_code') }}
            )
)

select * from described

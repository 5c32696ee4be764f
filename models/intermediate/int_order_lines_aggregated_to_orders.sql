with

order_lines as (
    select * from {{ ref('int_order_lines_before_as_of_date') }}
),

aggregated_to_orders as (
    select
        order_id,
        {# Staging rejects orders whose lines name different customers, so this is the one. #}
        min(customer_id) as customer_id,
        min(ordered_at) as ordered_at,
        min(order_date) as order_date,
        count(*) as line_count,
        sum(case when quantity > 0 then quantity else 0 end) as purchased_quantity,
        sum(case when quantity < 0 then -quantity else 0 end) as returned_quantity,
        sum(case when quantity > 0 then line_amount else 0 end) as gross_sales_amount,
        sum(case when quantity < 0 then -line_amount else 0 end) as returned_amount,
        sum(line_amount) as net_amount,
        coalesce(bool_or(quantity > 0), false) as is_purchase,
        coalesce(bool_or(promotion_id is not null), false) as has_promotion,
        coalesce(bool_and(is_guest), false) as is_guest
    from order_lines
    group by order_id
)

select * from aggregated_to_orders

with

order_lines as (
    select * from {{ ref('int_order_lines_before_as_of_date') }}
),

products as (
    select * from {{ staged('products') }}
),

joined_to_products as (
    select
        order_lines.order_line_id,
        order_lines.order_id,
        order_lines.customer_id,
        order_lines.product_id,
        order_lines.channel,
        products.category,
        products.brand,
        order_lines.quantity,
        order_lines.line_amount,
        coalesce(order_lines.promotion_id is not null, false) as is_promoted,
        order_lines.is_return,
        {# Margin only where the product's cost is known; unknown stays null, not zero. #}
        order_lines.quantity * products.unit_cost_amount as line_cost_amount,
        order_lines.line_amount - order_lines.quantity * products.unit_cost_amount as line_margin_amount,
        order_lines.order_date
    from order_lines
    left join products
        on order_lines.product_id = products.product_id
    where not order_lines.is_guest
)

select * from joined_to_products

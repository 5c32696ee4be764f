with

customers as (
    select * from {{ ref('customers') }}
),

order_lines as (
    select * from {{ ref('int_customer_order_lines_joined_to_products') }}
),

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

store_margin as (
    {# The margin rate of every line whose cost is known, to value the lines whose cost is not. #}
    select
        sum(line_margin_amount) / nullif(sum(case when line_cost_amount is not null then line_amount end), 0)
            as store_gross_margin_rate
    from order_lines
),

lines_aggregated as (
    select
        customer_id,
        sum(case when quantity > 0 then quantity else 0 end) as purchased_quantity,
        sum(case when quantity < 0 then -quantity else 0 end) as returned_quantity,
        sum(case when quantity > 0 then line_amount else 0 end) as gross_sales_amount,
        sum(case when quantity < 0 then -line_amount else 0 end) as returned_amount,
        sum(line_amount) as lifetime_revenue_amount,
        sum(line_margin_amount) as known_gross_margin_amount,
        sum(case when line_cost_amount is not null then line_amount else 0 end) as known_cost_revenue_amount,
        sum(case when line_cost_amount is null then line_amount else 0 end) as unknown_cost_revenue_amount
    from order_lines
    group by customer_id
),

orders_aggregated as (
    select
        customer_id,
        count(*) as order_count,
        count(case when has_promotion then 1 end) as promotion_order_count,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date
    from orders
    where is_purchase and customer_id is not null
    group by customer_id
),

valued as (
    select
        customers.customer_id,
        customers.as_of_date,
        coalesce(orders_aggregated.order_count, 0) as order_count,
        orders_aggregated.first_purchase_date,
        orders_aggregated.last_purchase_date,
        cast(coalesce(lines_aggregated.gross_sales_amount, 0) as decimal(18, 2)) as gross_sales_amount,
        cast(coalesce(lines_aggregated.returned_amount, 0) as decimal(18, 2)) as returned_amount,
        cast(coalesce(lines_aggregated.lifetime_revenue_amount, 0) as decimal(18, 2)) as lifetime_revenue_amount,
        cast(lines_aggregated.known_gross_margin_amount as decimal(18, 2)) as gross_margin_amount,
        lines_aggregated.known_gross_margin_amount
        / nullif(lines_aggregated.known_cost_revenue_amount, 0) as gross_margin_rate,
        lines_aggregated.known_cost_revenue_amount
        / nullif(lines_aggregated.lifetime_revenue_amount, 0) as cost_known_revenue_share,
        cast(
            lines_aggregated.gross_sales_amount / nullif(orders_aggregated.order_count, 0) as decimal(18, 2)
        ) as average_order_value_amount,
        {{ dbt.datediff('orders_aggregated.first_purchase_date', 'orders_aggregated.last_purchase_date', 'day') }}
        / nullif(orders_aggregated.order_count - 1, 0) as avg_days_between_orders,
        cast(
            coalesce(lines_aggregated.known_gross_margin_amount, 0)
            + coalesce(lines_aggregated.unknown_cost_revenue_amount, 0) * store_margin.store_gross_margin_rate
            as decimal(18, 2)
        ) as historical_clv_amount,
        lines_aggregated.returned_quantity / nullif(lines_aggregated.purchased_quantity, 0) as return_rate,
        orders_aggregated.promotion_order_count / nullif(orders_aggregated.order_count, 0) as promotion_order_share
    from customers
    cross join store_margin
    left join lines_aggregated
        on customers.customer_id = lines_aggregated.customer_id
    left join orders_aggregated
        on customers.customer_id = orders_aggregated.customer_id
)

select * from valued

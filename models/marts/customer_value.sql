with

customers as (
    select * from {{ ref('customers') }}
),

order_lines as (
    select * from {{ ref('int_customer_order_lines_joined_to_products') }}
),

purchases as (
    select * from {{ ref('int_purchases_aggregated_to_customers') }}
),

store_margin as (
    {# The margin rate of every line whose cost is known, to value the lines whose cost is not.
       Ratios of amounts are divided as doubles: DuckDB divides decimals so, and Spark's exact
       decimal division would keep six digits. #}
    select
        cast(sum(line_margin_amount) as double)
        / nullif(sum(case when line_cost_amount is not null then line_amount end), 0) as store_gross_margin_rate
    from order_lines
),

margins_aggregated as (
    {# Margins need product costs, so only order-line formats can have them. #}
    select
        customer_id,
        sum(line_margin_amount) as known_gross_margin_amount,
        sum(case when line_cost_amount is not null then line_amount else 0 end) as known_cost_revenue_amount,
        sum(case when line_cost_amount is null then line_amount else 0 end) as unknown_cost_revenue_amount
    from order_lines
    group by customer_id
),

valued as (
    {#- No purchase row means no purchases: zero amounts. A purchase row with a null amount
        comes from a format that does not record it (returns in marketing_campaign): unknown. -#}
    select
        customers.customer_id,
        customers.as_of_date,
        coalesce(purchases.order_count, 0) as order_count,
        purchases.first_purchase_date,
        purchases.last_purchase_date,
        cast(coalesce(purchases.gross_sales_amount, 0) as decimal(18, 2)) as gross_sales_amount,
        cast(
            case when purchases.customer_id is null then 0 else purchases.returned_amount end as decimal(18, 2)
        ) as returned_amount,
        cast(coalesce(purchases.monetary_amount, 0) as decimal(18, 2)) as lifetime_revenue_amount,
        cast(margins_aggregated.known_gross_margin_amount as decimal(18, 2)) as gross_margin_amount,
        {#- Rates of revenue only where it is positive: returns can make a customer's net
            revenue negative, and a negative margin over it read as a healthy positive rate. #}
        cast(margins_aggregated.known_gross_margin_amount as double)
        / case
            when margins_aggregated.known_cost_revenue_amount > 0
                then margins_aggregated.known_cost_revenue_amount
        end as gross_margin_rate,
        cast(margins_aggregated.known_cost_revenue_amount as double)
        / case when purchases.monetary_amount > 0 then purchases.monetary_amount end as cost_known_revenue_share,
        {#- Divided as doubles, as DuckDB divides decimals, and rounded as DuckDB rounds a double,
            so both engines give the same cents. #}
        {{ decimal_from_double(
            'cast(purchases.gross_sales_amount as double) / nullif(purchases.order_count, 0)', 2) }}
            as average_order_value_amount,
        {{ dbt.datediff('purchases.first_purchase_date', 'purchases.last_purchase_date', 'day') }}
        / nullif(purchases.order_count - 1, 0) as avg_days_between_orders,
        {#- A double (the store margin rate is one), rounded to cents as DuckDB rounds it. #}
        {{ decimal_from_double(
            'coalesce(margins_aggregated.known_gross_margin_amount, 0)
            + coalesce(margins_aggregated.unknown_cost_revenue_amount, 0) * store_margin.store_gross_margin_rate',
            2) }} as historical_clv_amount,
        purchases.returned_quantity / nullif(purchases.purchased_quantity, 0) as return_rate,
        purchases.promotion_order_count / nullif(purchases.order_count, 0) as promotion_order_share
    from customers
    cross join store_margin
    left join purchases
        on customers.customer_id = purchases.customer_id
    left join margins_aggregated
        on customers.customer_id = margins_aggregated.customer_id
)

select * from valued

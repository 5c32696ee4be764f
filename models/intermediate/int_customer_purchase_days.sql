{#- The unit of the BG/NBD model is a purchase day, not an order: several orders on one day
    are one purchase (Fader, Hardie & Lee 2005). -#}
with

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

customer_days as (
    select
        customer_id,
        order_date as purchase_date,
        coalesce(bool_or(is_purchase), false) as is_purchase_day,
        sum(net_amount) as net_amount
    from orders
    where customer_id is not null
    group by customer_id, order_date
),

final as (
    select
        customer_id || '|' || cast(purchase_date as {{ dbt.type_string() }}) as customer_day_id,
        customer_id,
        purchase_date,
        is_purchase_day,
        net_amount
    from customer_days
)

select * from final

{#- The customer-level purchase summary every purchase mart reads (customer_rfm, customer_value,
    customer_preferences, customers). Formats with order lines compute it from their orders
    before as_of_date; a format that only delivers customer-level aggregates (marketing_campaign)
    maps them directly. Each format feeds one of the two parts; the other is empty. -#}
with

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

order_lines as (
    select * from {{ ref('int_order_lines_before_as_of_date') }}
),

customer_summaries as (
    select * from {{ staged('customer_summaries') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

orders_aggregated_to_customers as (
    select
        customer_id,
        min(case when is_purchase then order_date end) as first_purchase_date,
        max(case when is_purchase then order_date end) as last_purchase_date,
        {# One row per order (orders' key is tested unique), so counting rows counts orders. #}
        count(case when is_purchase then 1 end) as order_count,
        count(case when is_purchase and has_promotion then 1 end) as promotion_order_count,
        sum(gross_sales_amount) as gross_sales_amount,
        sum(returned_amount) as returned_amount,
        {# Every line counts, returns too, even in an order that is not a purchase. #}
        sum(net_amount) as monetary_amount,
        sum(purchased_quantity) as purchased_quantity,
        sum(returned_quantity) as returned_quantity
    from orders
    where customer_id is not null
    group by customer_id
),

purchase_order_channels as (
    {# Each order once per channel it bought through (in practice one): counting these rows
       per channel counts distinct orders without a distinct aggregate per channel. #}
    select distinct
        customer_id,
        order_id,
        channel
    from order_lines
    where customer_id is not null and quantity > 0
),

purchase_orders_by_channel as (
    {# An order counts under every channel it bought through. #}
    select
        customer_id,
        count(case when channel = 'web' then 1 end) as web_order_count,
        count(case when channel = 'store' then 1 end) as store_order_count,
        count(case when channel = 'catalog' then 1 end) as catalog_order_count,
        count(case when channel = 'app' then 1 end) as app_order_count,
        count(case when channel = 'phone' then 1 end) as phone_order_count
    from purchase_order_channels
    group by customer_id
),

from_order_lines as (
    select
        orders_aggregated_to_customers.customer_id,
        orders_aggregated_to_customers.first_purchase_date,
        orders_aggregated_to_customers.last_purchase_date,
        orders_aggregated_to_customers.order_count,
        orders_aggregated_to_customers.promotion_order_count,
        coalesce(purchase_orders_by_channel.web_order_count, 0) as web_order_count,
        coalesce(purchase_orders_by_channel.store_order_count, 0) as store_order_count,
        coalesce(purchase_orders_by_channel.catalog_order_count, 0) as catalog_order_count,
        coalesce(purchase_orders_by_channel.app_order_count, 0) as app_order_count,
        coalesce(purchase_orders_by_channel.phone_order_count, 0) as phone_order_count,
        orders_aggregated_to_customers.gross_sales_amount,
        orders_aggregated_to_customers.returned_amount,
        orders_aggregated_to_customers.monetary_amount,
        orders_aggregated_to_customers.purchased_quantity,
        orders_aggregated_to_customers.returned_quantity,
        'order_lines' as summary_source
    from orders_aggregated_to_customers
    left join purchase_orders_by_channel
        on orders_aggregated_to_customers.customer_id = purchase_orders_by_channel.customer_id
),

from_customer_summaries as (
    {#- The figures were measured the day before as_of_date, so the last purchase was Recency
        days before that day. Returns, quantities and the first purchase are not in such a
        file: null (unknown), not zero. Its channels are web, catalog and store only. -#}
    select
        customer_summaries.customer_id,
        cast(null as date) as first_purchase_date,
        case
            when customer_summaries.order_count > 0
                then cast(
                    {{ dbt.dateadd(
                        'day', '-1 - customer_summaries.recency_days_at_measurement', 'as_of.as_of_date'
                    ) }} as date
                )
        end as last_purchase_date,
        customer_summaries.order_count,
        customer_summaries.promotion_order_count,
        customer_summaries.web_order_count,
        customer_summaries.store_order_count,
        customer_summaries.catalog_order_count,
        0 as app_order_count,
        0 as phone_order_count,
        customer_summaries.spend_amount as gross_sales_amount,
        cast(null as decimal(18, 4)) as returned_amount,
        customer_summaries.spend_amount as monetary_amount,
        cast(null as bigint) as purchased_quantity,
        cast(null as bigint) as returned_quantity,
        'customer_summaries' as summary_source
    from customer_summaries
    cross join as_of
),

unioned as (
    select * from from_order_lines
    union all
    select * from from_customer_summaries
)

select * from unioned

with

customers as (
    select * from {{ ref('customers') }}
),

order_lines as (
    select * from {{ ref('int_customer_order_lines_joined_to_products') }}
),

category_spend as (
    select * from {{ ref('int_category_spend_aggregated_to_customers') }}
),

purchases as (
    select * from {{ ref('int_purchases_aggregated_to_customers') }}
),

marketing_events as (
    select * from {{ ref('int_marketing_events_aggregated_to_customers') }}
),

purchase_lines as (
    {# Preferences follow what was bought; returns say little about taste. #}
    select * from order_lines
    where quantity > 0
),

customer_spend as (
    select
        customer_id,
        sum(line_amount) as gross_spend_amount,
        sum(case when is_promoted then line_amount else 0 end) as promoted_spend_amount,
        sum(case when channel = 'web' then line_amount else 0 end) as web_spend_amount,
        sum(case when channel = 'store' then line_amount else 0 end) as store_spend_amount,
        sum(case when channel = 'catalog' then line_amount else 0 end) as catalog_spend_amount,
        sum(case when channel = 'app' then line_amount else 0 end) as app_spend_amount,
        sum(case when channel = 'phone' then line_amount else 0 end) as phone_spend_amount
    from purchase_lines
    group by customer_id
),

top_categories as (
    {# Ties go to the first name alphabetically, so the answer never depends on row order. #}
    select
        customer_id,
        category as top_category,
        spend_amount as top_category_spend_amount
    from category_spend
    qualify row_number() over (partition by customer_id order by spend_amount desc, category asc) = 1
),

top_brands as (
    select
        customer_id,
        brand as top_brand,
        sum(line_amount) as top_brand_spend_amount
    from purchase_lines
    where brand is not null
    group by customer_id, brand
    qualify row_number() over (partition by customer_id order by top_brand_spend_amount desc, brand asc) = 1
),

preferred_channels as (
    select
        customer_id,
        channel as preferred_channel,
        sum(line_amount) as channel_spend_amount
    from purchase_lines
    group by customer_id, channel
    qualify row_number() over (partition by customer_id order by channel_spend_amount desc, channel asc) = 1
),

final as (
    select
        customers.customer_id,
        customers.as_of_date,
        top_categories.top_category,
        top_categories.top_category_spend_amount / nullif(purchases.gross_sales_amount, 0)
            as top_category_spend_share,
        preferred_channels.preferred_channel,
        customer_spend.web_spend_amount / nullif(customer_spend.gross_spend_amount, 0) as web_spend_share,
        customer_spend.store_spend_amount / nullif(customer_spend.gross_spend_amount, 0) as store_spend_share,
        customer_spend.catalog_spend_amount / nullif(customer_spend.gross_spend_amount, 0) as catalog_spend_share,
        customer_spend.app_spend_amount / nullif(customer_spend.gross_spend_amount, 0) as app_spend_share,
        customer_spend.phone_spend_amount / nullif(customer_spend.gross_spend_amount, 0) as phone_spend_share,
        top_brands.top_brand,
        top_brands.top_brand_spend_amount / nullif(customer_spend.gross_spend_amount, 0) as top_brand_spend_share,
        customer_spend.promoted_spend_amount / nullif(customer_spend.gross_spend_amount, 0)
            as promotion_spend_share,
        purchases.web_order_count / nullif(purchases.order_count, 0) as web_purchase_share,
        purchases.store_order_count / nullif(purchases.order_count, 0) as store_purchase_share,
        purchases.catalog_order_count / nullif(purchases.order_count, 0) as catalog_purchase_share,
        purchases.app_order_count / nullif(purchases.order_count, 0) as app_purchase_share,
        purchases.phone_order_count / nullif(purchases.order_count, 0) as phone_purchase_share,
        marketing_events.preferred_marketing_channel
    from customers
    left join purchases
        on customers.customer_id = purchases.customer_id
    left join customer_spend
        on customers.customer_id = customer_spend.customer_id
    left join top_categories
        on customers.customer_id = top_categories.customer_id
    left join top_brands
        on customers.customer_id = top_brands.customer_id
    left join preferred_channels
        on customers.customer_id = preferred_channels.customer_id
    left join marketing_events
        on customers.customer_id = marketing_events.customer_id
)

select * from final

{#- The wide numeric table the clustering reads: one row per scored customer. Which columns the
    K-means model uses, and how it transforms them, is configured on int_segmentation_fit. -#}
with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customers as (
    select * from {{ ref('customers') }}
),

customer_value as (
    select * from {{ ref('customer_value') }}
),

customer_engagement as (
    select * from {{ ref('customer_engagement') }}
),

customer_preferences as (
    select * from {{ ref('customer_preferences') }}
),

joined as (
    select
        customer_rfm.customer_id,
        customer_rfm.as_of_date,

        ---------- purchasing
        customer_rfm.recency_days,
        customer_rfm.order_count,
        cast(customer_rfm.monetary_amount as double) as monetary_amount,
        cast(customer_value.average_order_value_amount as double) as average_order_value_amount,
        customer_value.avg_days_between_orders,
        customer_value.return_rate,
        customer_value.promotion_order_share,
        customer_value.gross_margin_rate,

        ---------- preferences
        customer_preferences.top_category_spend_share,
        customer_preferences.top_brand_spend_share,
        customer_preferences.promotion_spend_share,
        customer_preferences.web_purchase_share,
        customer_preferences.store_purchase_share,
        customer_preferences.catalog_purchase_share,

        ---------- engagement
        customer_engagement.web_session_count,
        customer_engagement.web_session_count_90d,
        customer_engagement.web_session_count_30d,
        customer_engagement.avg_session_duration_seconds,
        customer_engagement.email_open_rate,
        customer_engagement.email_click_rate,
        customer_engagement.marketing_conversion_count,
        customer_engagement.campaign_response_rate,
        cast(customer_engagement.is_unsubscribed as integer) as unsubscribed_flag,
        customer_engagement.social_interaction_count,
        customer_engagement.support_ticket_count,
        customer_engagement.avg_csat_score,
        customer_engagement.avg_nps_score,
        customer_engagement.avg_review_rating,

        ---------- demographics
        customers.age_years,
        cast(customers.annual_income_amount as double) as annual_income_amount,
        customers.household_size,
        customers.tenure_days
    from customer_rfm
    inner join customers
        on customer_rfm.customer_id = customers.customer_id
    left join customer_value
        on customer_rfm.customer_id = customer_value.customer_id
    left join customer_engagement
        on customer_rfm.customer_id = customer_engagement.customer_id
    left join customer_preferences
        on customer_rfm.customer_id = customer_preferences.customer_id
)

select * from joined

{#- The file's behaviour figures per customer, in the columns of the shared customer-summary
    interface that int_purchases_aggregated_to_customers and customer_engagement read. -#}
with

base as (
    select * from {{ ref('base_marketing_campaign__customers') }}
),

kept as (
    select * from base
    where not is_rejected
),

summarised as (
    select
        ---------- ids
        customer_id,

        ---------- numerics
        recency_days_at_measurement,
        web_purchase_count + catalog_purchase_count + store_purchase_count as order_count,
        deal_purchase_count as promotion_order_count,
        web_purchase_count as web_order_count,
        catalog_purchase_count as catalog_order_count,
        store_purchase_count as store_order_count,
        cast(
            wine_spend_amount + fruit_spend_amount + meat_spend_amount + fish_spend_amount
            + sweet_spend_amount + gold_spend_amount as decimal(18, 4)
        ) as spend_amount,
        web_visit_count_30d,
        {# The file has an acceptance flag for each of six campaigns for every customer. #}
        6 as campaign_offer_count,
        cast(accepted_campaign_1 as integer) + cast(accepted_campaign_2 as integer)
        + cast(accepted_campaign_3 as integer) + cast(accepted_campaign_4 as integer)
        + cast(accepted_campaign_5 as integer) + cast(accepted_last_campaign as integer)
            as campaign_acceptance_count,

        ---------- booleans
        has_complained,

        ---------- dates
        {# The day Recency counts to, which the file does not state: the earliest day on which
           no customer's last purchase would precede their enrolment. #}
        cast(max({{ dbt.dateadd('day', 'recency_days_at_measurement', 'signup_date') }}) over () as date)
            as measured_on_date
    from kept
)

select * from summarised

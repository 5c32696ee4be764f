{#- One row per customer and calendar month with any activity before as_of_date: purchases,
    net revenue, marketing reach and conversions, NPS answers. customer_months (and so the monthly KPIs) reads it. -#}
with

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

marketing_events as (
    select * from {{ staged('marketing_events') }}
),

survey_responses as (
    select * from {{ staged('survey_responses') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

order_months as (
    select
        customer_id,
        cast(date_trunc('month', order_date) as date) as activity_month,
        count(*) filter (where is_purchase) as purchase_order_count,
        sum(net_amount) as net_revenue_amount,
        sum(gross_sales_amount) filter (where is_purchase) as purchase_gross_sales_amount,
        max(order_date) filter (where is_purchase) as last_purchase_date,
        0 as email_sent_count,
        0 as marketing_conversion_count,
        cast(null as double) as nps_score_sum,
        0 as nps_response_count
    from orders
    where not is_guest
    group by customer_id, activity_month
),

marketing_months as (
    select
        marketing_events.customer_id,
        cast(date_trunc('month', marketing_events.occurred_at) as date) as activity_month,
        0 as purchase_order_count,
        0 as net_revenue_amount,
        0 as purchase_gross_sales_amount,
        cast(null as date) as last_purchase_date,
        count(*) filter (
            where marketing_events.channel = 'email' and marketing_events.event_type = 'sent'
        ) as email_sent_count,
        count(*) filter (where marketing_events.event_type = 'converted') as marketing_conversion_count,
        cast(null as double) as nps_score_sum,
        0 as nps_response_count
    from marketing_events
    cross join as_of
    where marketing_events.occurred_at < as_of.as_of_date
    group by marketing_events.customer_id, activity_month
),

survey_months as (
    select
        survey_responses.customer_id,
        cast(date_trunc('month', survey_responses.responded_at) as date) as activity_month,
        0 as purchase_order_count,
        0 as net_revenue_amount,
        0 as purchase_gross_sales_amount,
        cast(null as date) as last_purchase_date,
        0 as email_sent_count,
        0 as marketing_conversion_count,
        cast(sum(survey_responses.nps_score) as double) as nps_score_sum,
        count(survey_responses.nps_score) as nps_response_count
    from survey_responses
    cross join as_of
    where survey_responses.responded_at < as_of.as_of_date
    group by survey_responses.customer_id, activity_month
),

unioned as (
    select * from order_months
    union all
    select * from marketing_months
    union all
    select * from survey_months
),

final as (
    select
        customer_id,
        activity_month,
        sum(purchase_order_count) as purchase_order_count,
        sum(net_revenue_amount) as net_revenue_amount,
        sum(purchase_gross_sales_amount) as purchase_gross_sales_amount,
        max(last_purchase_date) as last_purchase_date,
        sum(email_sent_count) as email_sent_count,
        sum(marketing_conversion_count) as marketing_conversion_count,
        sum(nps_score_sum) as nps_score_sum,
        sum(nps_response_count) as nps_response_count
    from unioned
    group by customer_id, activity_month
)

select * from final

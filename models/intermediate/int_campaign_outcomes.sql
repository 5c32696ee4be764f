{#- One row per customer per campaign audience: whether the campaign was sent to them, and
    their purchases in the conversion window that opens on the campaign's first send. Both
    groups are measured over the same window, so control customers, who get no send of their
    own, are compared over the days the treatment group was contacted. -#}
with

campaign_audiences as (
    select * from {{ ref('campaign_audiences') }}
),

campaign_plans as (
    select * from {{ ref('campaign_plans') }}
),

marketing_events as (
    select * from {{ staged('marketing_events') }}
),

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

sends as (
    select
        marketing_events.campaign_id,
        marketing_events.customer_id,
        min(marketing_events.occurred_at) as first_sent_at
    from marketing_events
    cross join as_of
    where
        marketing_events.event_type = 'sent'
        and marketing_events.occurred_at < as_of.as_of_date
    group by marketing_events.campaign_id, marketing_events.customer_id
),

windows as (
    select
        campaign_plans.campaign_id,
        campaign_plans.conversion_window_days,
        cast(min(sends.first_sent_at) as date) as window_start_date
    from campaign_plans
    left join sends
        on campaign_plans.campaign_id = sends.campaign_id
    group by campaign_plans.campaign_id, campaign_plans.conversion_window_days
),

audience_in_windows as (
    select
        campaign_audiences.campaign_id,
        campaign_audiences.customer_id,
        campaign_audiences.segment_id,
        campaign_audiences.campaign_group,
        windows.window_start_date,
        {{ dbt.dateadd('day', 'windows.conversion_window_days', 'windows.window_start_date') }} as window_end_date,
        sends.customer_id is not null as was_sent
    from campaign_audiences
    inner join windows
        on campaign_audiences.campaign_id = windows.campaign_id
    left join sends
        on
            campaign_audiences.campaign_id = sends.campaign_id
            and campaign_audiences.customer_id = sends.customer_id
),

purchases_in_windows as (
    select
        audience_in_windows.campaign_id,
        audience_in_windows.customer_id,
        count(*) as purchase_order_count,
        sum(orders.net_amount) as revenue_amount
    from audience_in_windows
    inner join orders
        on
            audience_in_windows.customer_id = orders.customer_id
            and audience_in_windows.window_start_date <= orders.order_date
            and audience_in_windows.window_end_date > orders.order_date
    where orders.is_purchase
    group by audience_in_windows.campaign_id, audience_in_windows.customer_id
),

final as (
    select
        audience_in_windows.campaign_id,
        audience_in_windows.customer_id,
        audience_in_windows.segment_id,
        audience_in_windows.campaign_group,
        audience_in_windows.was_sent,
        audience_in_windows.window_start_date,
        cast(audience_in_windows.window_end_date as date) as window_end_date,
        coalesce(purchases_in_windows.purchase_order_count, 0) > 0 as has_converted,
        coalesce(purchases_in_windows.purchase_order_count, 0) as purchase_order_count,
        coalesce(purchases_in_windows.revenue_amount, 0) as revenue_amount
    from audience_in_windows
    left join purchases_in_windows
        on
            audience_in_windows.campaign_id = purchases_in_windows.campaign_id
            and audience_in_windows.customer_id = purchases_in_windows.customer_id
)

select * from final

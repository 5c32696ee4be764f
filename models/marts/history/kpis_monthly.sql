{#- KPIs per segment per calendar month, and the same for all customers. A customer belongs, for
    a month, to their segment in the latest history snapshot on or before the month's first
    day, so a month is measured on the segments marketing had when it started (no hindsight).
    Definitions: the kpis_monthly doc block. -#}
with

customer_segment_history as (
    select * from {{ ref('customer_segment_history') }}
),

activity as (
    select * from {{ ref('int_customer_activity_by_month') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

first_purchases as (
    select
        customer_id,
        min(activity_month) as first_purchase_month
    from activity
    where purchase_order_count > 0
    group by customer_id
),

month_bounds as (
    {# From the first purchase month to the month of the last day before as_of_date. #}
    select
        min(first_purchases.first_purchase_month) as first_month,
        cast(date_trunc('month', any_value(as_of.as_of_date) - interval 1 day) as date) as last_month,
        day(any_value(as_of.as_of_date)) <> 1 as is_last_month_partial
    from as_of
    cross join first_purchases
),

months as (
    select
        {{ month_starts_between('first_month', 'last_month') }} as activity_month
    from month_bounds
),

snapshot_dates as (
    select distinct as_of_date
    from customer_segment_history
),

snapshot_for_month as (
    select
        months.activity_month,
        max(snapshot_dates.as_of_date) as snapshot_date
    from months
    inner join snapshot_dates
        on months.activity_month >= snapshot_dates.as_of_date
    group by months.activity_month
),

members as (
    select
        snapshot_for_month.activity_month,
        customer_segment_history.customer_id,
        customer_segment_history.segment_id,
        customer_segment_history.segment_name
    from snapshot_for_month
    inner join customer_segment_history
        on snapshot_for_month.snapshot_date = customer_segment_history.as_of_date
    union all
    {# All customers: everyone who had bought before the month, plus its first-time buyers. #}
    select
        months.activity_month,
        first_purchases.customer_id,
        cast(null as integer) as segment_id,
        'All customers' as segment_name
    from months
    inner join first_purchases
        on months.activity_month >= first_purchases.first_purchase_month
),

member_activity as (
    select
        members.activity_month,
        members.segment_id,
        members.segment_name,
        members.customer_id,
        coalesce(this_month.purchase_order_count, 0) as purchase_order_count,
        coalesce(this_month.net_revenue_amount, 0) as net_revenue_amount,
        coalesce(this_month.purchase_gross_sales_amount, 0) as purchase_gross_sales_amount,
        coalesce(this_month.email_sent_count, 0) as email_sent_count,
        coalesce(this_month.marketing_conversion_count, 0) as marketing_conversion_count,
        this_month.nps_score_sum,
        coalesce(this_month.nps_response_count, 0) as nps_response_count,
        coalesce(last_month.purchase_order_count, 0) > 0 as bought_last_month,
        first_purchases.first_purchase_month = members.activity_month as is_first_purchase_month
    from members
    left join activity as this_month
        on
            members.customer_id = this_month.customer_id
            and members.activity_month = this_month.activity_month
    left join activity as last_month
        on
            members.customer_id = last_month.customer_id
            and members.activity_month - interval 1 month = last_month.activity_month
    left join first_purchases
        on members.customer_id = first_purchases.customer_id
),

last_purchases as (
    {# Each member's last purchase up to the month's end. #}
    select
        members.activity_month,
        members.segment_name,
        members.customer_id,
        max(activity.last_purchase_date) as last_purchase_date
    from members
    inner join activity
        on
            members.customer_id = activity.customer_id
            and members.activity_month >= activity.activity_month
            and activity.purchase_order_count > 0
    group by all
),

final as (
    select
        member_activity.segment_id,
        member_activity.segment_name,
        member_activity.activity_month,
        member_activity.activity_month = month_bounds.last_month
        and month_bounds.is_last_month_partial as is_partial_month,
        count(*) as customer_count,
        count(*) filter (where member_activity.purchase_order_count > 0) as active_customer_count,
        case
            when member_activity.segment_id is null
                then count(*) filter (where member_activity.is_first_purchase_month)
        end as new_customer_count,
        sum(member_activity.purchase_order_count) as order_count,
        sum(member_activity.net_revenue_amount) as net_revenue_amount,
        sum(member_activity.purchase_gross_sales_amount)
        / nullif(sum(member_activity.purchase_order_count), 0) as average_order_value_amount,
        count(*) filter (where member_activity.purchase_order_count > 0) / count(*) as purchase_conversion_rate,
        count(*) filter (where member_activity.bought_last_month and member_activity.purchase_order_count > 0)
        / nullif(count(*) filter (where member_activity.bought_last_month), 0) as retention_rate,
        count(*) filter (
            where
            last_purchases.last_purchase_date is null
            or last_purchases.last_purchase_date
            <= last_day(member_activity.activity_month) - interval {{ var('churn_window_days') }} day
        ) / count(*) as churn_rate,
        count(*) filter (where member_activity.email_sent_count > 0 and member_activity.marketing_conversion_count > 0)
        / nullif(count(*) filter (where member_activity.email_sent_count > 0), 0) as campaign_conversion_rate,
        sum(member_activity.nps_score_sum) / nullif(sum(member_activity.nps_response_count), 0) as avg_nps_score
    from member_activity
    cross join month_bounds
    left join last_purchases
        on
            member_activity.activity_month = last_purchases.activity_month
            and member_activity.segment_name = last_purchases.segment_name
            and member_activity.customer_id = last_purchases.customer_id
    group by
        member_activity.segment_id,
        member_activity.segment_name,
        member_activity.activity_month,
        month_bounds.last_month,
        month_bounds.is_last_month_partial
)

select * from final

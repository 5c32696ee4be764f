{#- One row per customer per calendar month from the month of their first purchase to the month of
    the day before as_of_date, with the month's activity and the segment the customer was in at
    the month's start: the latest history snapshot on or before the month's first day, so a month
    is measured on the segments marketing had when it started (no hindsight). kpis_monthly and
    the semantic layer read it; definitions: the customer_months doc block. -#}
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

customer_month_grid as (
    {# Everyone who had bought before the month, plus its first-time buyers. #}
    select
        months.activity_month,
        first_purchases.customer_id,
        first_purchases.first_purchase_month
    from months
    inner join first_purchases
        on months.activity_month >= first_purchases.first_purchase_month
),

joined as (
    select
        customer_month_grid.customer_id,
        customer_month_grid.activity_month,
        customer_month_grid.activity_month = month_bounds.last_month
        and month_bounds.is_last_month_partial as is_partial_month,
        customer_month_grid.first_purchase_month,
        snapshot_for_month.snapshot_date as segment_snapshot_date,
        customer_segment_history.segment_id,
        customer_segment_history.segment_name,
        coalesce(activity.purchase_order_count, 0) as purchase_order_count,
        coalesce(activity.net_revenue_amount, 0) as net_revenue_amount,
        coalesce(activity.purchase_gross_sales_amount, 0) as purchase_gross_sales_amount,
        coalesce(activity.email_sent_count, 0) as email_sent_count,
        coalesce(activity.marketing_conversion_count, 0) as marketing_conversion_count,
        activity.nps_score_sum,
        coalesce(activity.nps_response_count, 0) as nps_response_count,
        activity.last_purchase_date as month_last_purchase_date
    from customer_month_grid
    cross join month_bounds
    left join snapshot_for_month
        on customer_month_grid.activity_month = snapshot_for_month.activity_month
    left join customer_segment_history
        on
            snapshot_for_month.snapshot_date = customer_segment_history.as_of_date
            and customer_month_grid.customer_id = customer_segment_history.customer_id
    left join activity
        on
            customer_month_grid.customer_id = activity.customer_id
            and customer_month_grid.activity_month = activity.activity_month
),

with_previous_months as (
    {#- The grid has every month from the first purchase on, so the previous row is last month
        and the running maximum is the last purchase up to the month's end. -#}
    select
        *,
        coalesce(
            lag(purchase_order_count) over (partition by customer_id order by activity_month) > 0,
            false
        ) as is_active_last_month,
        max(month_last_purchase_date) over (
            partition by customer_id order by activity_month rows between unbounded preceding and current row
        ) as last_purchase_date
    from joined
),

final as (
    select
        customer_id || '|' || cast(activity_month as {{ dbt.type_string() }}) as customer_month_id,
        customer_id,
        activity_month,
        is_partial_month,
        first_purchase_month,
        segment_snapshot_date,
        segment_id,
        segment_name,
        purchase_order_count,
        net_revenue_amount,
        purchase_gross_sales_amount,
        email_sent_count,
        marketing_conversion_count,
        nps_score_sum,
        nps_response_count,
        last_purchase_date,
        coalesce(activity_month = first_purchase_month, false) as is_first_purchase_month,
        coalesce(purchase_order_count > 0, false) as is_active,
        is_active_last_month,
        coalesce(is_active_last_month and purchase_order_count > 0, false) as is_retained,
        coalesce(
            last_purchase_date <= last_day(activity_month) - interval {{ var('churn_window_days') }} day,
            false
        ) as is_churned,
        coalesce(email_sent_count > 0, false) as is_emailed,
        coalesce(email_sent_count > 0 and marketing_conversion_count > 0, false) as is_emailed_and_converted
    from with_previous_months
)

select * from final

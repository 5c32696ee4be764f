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

purchase_months as (
    {# The months with a purchase: the only ones that move a customer's last purchase date. #}
    select
        customer_id,
        activity_month as purchase_month,
        last_purchase_date
    from activity
    where purchase_order_count > 0
),

month_bounds as (
    {# From the first purchase month to the month of the last day before as_of_date. #}
    select
        min(purchase_months.purchase_month) as first_month,
        cast(date_trunc('month', any_value(as_of.as_of_date) - interval 1 day) as date) as last_month,
        day(any_value(as_of.as_of_date)) <> 1 as is_last_month_partial
    from as_of
    cross join purchase_months
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

purchase_spans as (
    {#- Each purchase month holds until the month before the customer's next one (or the last
        month): within a span the last purchase date stays that month's. The grid is built from
        these spans, so nothing sorts it: window functions over the whole grid (14M rows at 1M
        customers) sorted and spilled it, and were two thirds of this model's time. -#}
    select
        purchase_months.customer_id,
        purchase_months.purchase_month,
        purchase_months.last_purchase_date,
        min(purchase_months.purchase_month) over (partition by purchase_months.customer_id)
            as first_purchase_month,
        coalesce(
            lag(purchase_months.purchase_month) over (
                partition by purchase_months.customer_id order by purchase_months.purchase_month
            ) = cast(purchase_months.purchase_month - interval 1 month as date),
            false
        ) as is_previous_month_purchase,
        coalesce(
            cast(
                lead(purchase_months.purchase_month) over (
                    partition by purchase_months.customer_id order by purchase_months.purchase_month
                ) - interval 1 month as date
            ),
            month_bounds.last_month
        ) as span_last_month
    from purchase_months
    cross join month_bounds
),

customer_month_grid as (
    {# Every month from the first purchase on: each span unrolled into its months. #}
    select
        customer_id,
        first_purchase_month,
        purchase_month,
        last_purchase_date,
        is_previous_month_purchase,
        {{ month_starts_between('purchase_month', 'span_last_month') }} as activity_month
    from purchase_spans
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
        customer_month_grid.last_purchase_date,
        {# Last month had a purchase: at a span's start, when the previous span began then. #}
        case
            when customer_month_grid.activity_month = customer_month_grid.purchase_month
                then customer_month_grid.is_previous_month_purchase
            else
                customer_month_grid.activity_month
                = cast(customer_month_grid.purchase_month + interval 1 month as date)
        end as is_active_last_month
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
    from joined
)

select * from final

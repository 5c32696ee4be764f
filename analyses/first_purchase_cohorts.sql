{#- Cohorts by month of first purchase: customers acquired each month and the share of them
    who bought again 1, 2, 3, 6 and 12 months later (in that month after the first). Only
    purchases before as_of_date; guests are left out. A share is null while the cohort is
    too young to have had that month in full (the month of as_of_date counts as incomplete). -#}
with

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

purchases as (
    select
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as order_month
    from orders
    cross join as_of
    where
        orders.is_purchase
        and not orders.is_guest
        and orders.order_date < as_of.as_of_date
),

first_purchases as (
    select
        customer_id,
        min(order_month) as cohort_month
    from purchases
    group by customer_id
),

activity as (
    select distinct
        first_purchases.customer_id,
        first_purchases.cohort_month,
        {{ dbt.datediff('first_purchases.cohort_month', 'purchases.order_month', 'month') }}
            as months_since_first_purchase
    from first_purchases
    inner join purchases
        on first_purchases.customer_id = purchases.customer_id
),

cohorts as (
    select
        cohort_month,
        count(distinct customer_id) as cohort_customer_count,
        count(distinct case when months_since_first_purchase = 1 then customer_id end)
            as active_month_1_count,
        count(distinct case when months_since_first_purchase = 2 then customer_id end)
            as active_month_2_count,
        count(distinct case when months_since_first_purchase = 3 then customer_id end)
            as active_month_3_count,
        count(distinct case when months_since_first_purchase = 6 then customer_id end)
            as active_month_6_count,
        count(distinct case when months_since_first_purchase = 12 then customer_id end)
            as active_month_12_count
    from activity
    group by cohort_month
),

cohorts_observed as (
    select
        cohorts.*,
        {{ dbt.datediff('cohorts.cohort_month', dbt.date_trunc('month', 'as_of.as_of_date'), 'month') }}
            as months_observed
    from cohorts
    cross join as_of
)

select
    cohort_month,
    cohort_customer_count,
    months_observed,
    case
        when months_observed > 1
            then round(100.0 * active_month_1_count / cohort_customer_count, 1)
    end as active_month_1_pct,
    case
        when months_observed > 2
            then round(100.0 * active_month_2_count / cohort_customer_count, 1)
    end as active_month_2_pct,
    case
        when months_observed > 3
            then round(100.0 * active_month_3_count / cohort_customer_count, 1)
    end as active_month_3_pct,
    case
        when months_observed > 6
            then round(100.0 * active_month_6_count / cohort_customer_count, 1)
    end as active_month_6_pct,
    case
        when months_observed > 12
            then round(100.0 * active_month_12_count / cohort_customer_count, 1)
    end as active_month_12_pct
from cohorts_observed
order by cohort_month

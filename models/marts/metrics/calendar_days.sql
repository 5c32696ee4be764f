{#- MetricFlow's time spine: one row per day from the first day of the first order's month to
    as_of_date, so every metric can be grouped by day, month or year and months without
    activity still appear. Without orders (marketing_campaign) it starts at as_of_date's month. -#}
with

orders as (
    select * from {{ ref('int_order_lines_aggregated_to_orders') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

first_order as (
    select min(order_date) as first_order_date
    from orders
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'coalesce(first_order.first_order_date, as_of.as_of_date)') }} as date)
            as first_day,
        cast({{ dbt.dateadd('day', 1, 'as_of.as_of_date') }} as date) as end_day
    from first_order
    cross join as_of
),

final as (
    select
        {{ days_before('first_day', 'end_day') }} as date_day
    from bounds
)

select * from final

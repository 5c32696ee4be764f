{{ config(severity='warn', store_failures=true) }}
{#- A line dated 1970-01-01 (a null turned into the epoch) among orders of 2022-23 breaks no rule
    of the contract, yet it stretches the history to 54 years: history_days, monthly KPIs from
    1970, decades between a customer's orders. Warn on any gap of more than a year between
    order days: a business that sold nothing for a year is worth a look whatever the lines on
    either side (two exports joined, a test order, a default date). -#}
{%- set min_gap_days = 365 -%}

with

order_lines as (
    select * from {{ staged('order_lines') }}
),

order_days as (
    select
        cast(ordered_at as date) as order_day,
        count(*) as line_count
    from order_lines
    group by cast(ordered_at as date)
),

days_in_order as (
    select
        order_day,
        lead(order_day) over (order by order_day) as next_order_day,
        sum(line_count) over (order by order_day rows between unbounded preceding and current row)
            as lines_up_to_day,
        sum(line_count) over () as total_line_count
    from order_days
),

gaps as (
    select
        order_day as gap_start_day,
        next_order_day as gap_end_day,
        {{ dbt.datediff('order_day', 'next_order_day', 'day') }}
            as gap_days,
        lines_up_to_day as lines_before_gap,
        total_line_count - lines_up_to_day as lines_after_gap
    from days_in_order
    where next_order_day is not null
),

final as (
    select
        gap_start_day,
        gap_end_day,
        gap_days,
        lines_before_gap,
        lines_after_gap
    from gaps
    where gap_days > {{ min_gap_days }}
)

select * from final

{{ config(severity='warn', store_failures=true) }}
{#- Segment names and RFM scores rank customers against each other, so a build as of a date
    years after the data still calls its most recent buyers Champions (the sweep's set, as of
    three years after its last order: 110 Champions, the same as the day after). The date comes
    from the var here (taken from the data it is the day after the last order): warn when no
    order line falls in the year before it. -#}
{%- set max_days_without_orders = 365 -%}

with

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

days_without_orders as (
    select
        as_of_date,
        as_of_date_source,
        last_ordered_at,
        {{ dbt.datediff('last_ordered_at', 'as_of_date', 'day') }}
            as days_since_last_order
    from as_of
),

final as (
    select
        as_of_date,
        last_ordered_at,
        days_since_last_order
    from days_without_orders
    where as_of_date_source = 'var' and days_since_last_order > {{ max_days_without_orders }}
)

select * from final

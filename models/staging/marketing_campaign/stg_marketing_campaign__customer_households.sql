{#- Household size: adults (from the marital status: a couple is two) plus children and
    teenagers at home. Unknown when the marital status is unknown. -#}
with

base as (
    select * from {{ ref('base_marketing_campaign__customers') }}
),

kept as (
    select
        customer_id,
        case
            when marital_status in ('married', 'together') then 2
            when marital_status in ('single', 'divorced', 'widow') then 1
        end as adult_count,
        kid_count,
        teen_count
    from base
    where not is_rejected
),

sized as (
    select
        customer_id,
        adult_count,
        kid_count,
        teen_count,
        adult_count + kid_count + teen_count as household_size
    from kept
)

select * from sized

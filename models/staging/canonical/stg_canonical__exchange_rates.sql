with

base as (
    select * from {{ ref('base_canonical__exchange_rates') }}
),

kept as (
    select
        exchange_rate_id,
        currency_code,
        rate_date,
        rate_to_reporting
    from base
    where not is_rejected
)

select * from kept

with

base as (
    select * from {{ ref('base_canonical__marketing_events') }}
),

kept as (
    select
        event_id,
        customer_id,
        campaign_id,
        channel,
        event_type,
        occurred_at
    from base
    where not is_rejected
)

select * from kept

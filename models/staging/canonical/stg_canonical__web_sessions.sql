with

base as (
    select * from {{ ref('base_canonical__web_sessions') }}
),

kept as (
    select
        session_id,
        customer_id,
        device,
        duration_seconds,
        page_views,
        started_at
    from base
    where not is_rejected
)

select * from kept

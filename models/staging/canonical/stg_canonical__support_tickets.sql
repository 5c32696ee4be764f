with

base as (
    select * from {{ ref('base_canonical__support_tickets') }}
),

kept as (
    select
        ticket_id,
        customer_id,
        category,
        csat_score,
        opened_at,
        resolved_at
    from base
    where not is_rejected
)

select * from kept

with

base as (
    select * from {{ ref('base_canonical__survey_responses') }}
),

kept as (
    select
        response_id,
        customer_id,
        nps_score,
        responded_at
    from base
    where not is_rejected
)

select * from kept

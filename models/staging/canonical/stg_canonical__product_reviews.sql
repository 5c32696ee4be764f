with

base as (
    select * from {{ ref('base_canonical__product_reviews') }}
),

kept as (
    select
        review_id,
        customer_id,
        product_id,
        rating,
        reviewed_at
    from base
    where not is_rejected
)

select * from kept

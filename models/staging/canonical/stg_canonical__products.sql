with

base as (
    select * from {{ ref('base_canonical__products') }}
),

kept as (
    select
        product_id,
        product_name,
        category,
        brand,
        unit_cost_amount
    from base
    where not is_rejected
)

select * from kept

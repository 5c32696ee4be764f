with

base as (
    select * from {{ ref('base_canonical__customers') }}
),

kept as (
    select
        customer_id,
        gender,
        education,
        marital_status,
        country,
        city,
        birth_year,
        annual_income_amount,
        signup_date
    from base
    where not is_rejected
)

select * from kept

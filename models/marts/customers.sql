with

customers as (
    select * from {{ ref('int_customers_aged') }}
),

purchases as (
    select * from {{ ref('int_purchases_aggregated_to_customers') }}
),

age_bands as (
    select * from {{ ref('age_bands') }}
),

income_bands as (
    select * from {{ ref('income_bands') }}
),

purchasers as (
    select customer_id
    from purchases
    where order_count > 0
),

banded as (
    select
        customers.customer_id,
        customers.as_of_date,
        customers.gender,
        customers.birth_year,
        customers.age_years,
        coalesce(age_bands.age_band, 'unknown') as age_band,
        customers.annual_income_amount,
        coalesce(income_bands.income_band, 'unknown') as income_band,
        customers.education,
        customers.marital_status,
        customers.country,
        customers.city,
        customers.adult_count,
        customers.kid_count,
        customers.teen_count,
        customers.household_size,
        customers.signup_date,
        customers.tenure_days,
        coalesce(purchasers.customer_id is not null, false) as has_purchase
    from customers
    left join age_bands
        on
            customers.age_years >= age_bands.min_age_years
            and (customers.age_years < age_bands.max_age_years or age_bands.max_age_years is null)
    left join income_bands
        on
            customers.annual_income_amount >= income_bands.min_annual_income_amount
            and (
                customers.annual_income_amount < income_bands.max_annual_income_amount
                or income_bands.max_annual_income_amount is null
            )
    left join purchasers
        on customers.customer_id = purchasers.customer_id
)

select * from banded

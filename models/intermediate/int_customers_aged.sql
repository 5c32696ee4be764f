with

customers as (
    select * from {{ ref('stg_canonical__customers') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

aged as (
    select
        customers.*,
        as_of.as_of_date,
        extract(year from as_of.as_of_date) as as_of_year
    from customers
    cross join as_of
),

checked as (
    select
        *,
        {# A birth year before min_birth_year or after the as-of year cannot be right. #}
        coalesce(
            birth_year < {{ var('min_birth_year') }} or birth_year > as_of_year, false
        ) as is_birth_year_out_of_range
    from aged
),

final as (
    select
        customer_id,
        as_of_date,
        gender,
        education,
        marital_status,
        country,
        city,
        case when not is_birth_year_out_of_range then birth_year end as birth_year,
        case when is_birth_year_out_of_range then birth_year end as rejected_birth_year,
        is_birth_year_out_of_range,
        case when not is_birth_year_out_of_range then as_of_year - birth_year end as age_years,
        annual_income_amount,
        signup_date,
        case
            when signup_date < as_of_date then {{ dbt.datediff('signup_date', 'as_of_date', 'day') }}
        end as tenure_days
    from checked
)

select * from final

with

customers as (
    select * from {{ staged('customers') }}
),

customer_households as (
    select * from {{ staged('customer_households') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

aged as (
    select
        customers.*,
        customer_households.adult_count,
        customer_households.kid_count,
        customer_households.teen_count,
        customer_households.household_size,
        as_of.as_of_date,
        extract(year from as_of.as_of_date) as as_of_year
    from customers
    cross join as_of
    left join customer_households
        on customers.customer_id = customer_households.customer_id
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
        adult_count,
        kid_count,
        teen_count,
        household_size,
        signup_date,
        case
            when signup_date < as_of_date then {{ dbt.datediff('signup_date', 'as_of_date', 'day') }}
        end as tenure_days
    from checked
)

select * from final

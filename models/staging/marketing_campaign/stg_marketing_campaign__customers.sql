{#- The customers of the file that passed staging, in the columns of the shared customer
    interface. The file records no gender, country or city. -#}
with

base as (
    select * from {{ ref('base_marketing_campaign__customers') }}
),

kept as (
    select
        ---------- ids
        customer_id,

        ---------- strings
        'unknown' as gender,
        education,
        marital_status,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as city,

        ---------- numerics
        birth_year,
        annual_income_amount,

        ---------- dates
        signup_date
    from base
    where not is_rejected
)

select * from kept

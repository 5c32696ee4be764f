{%- set raw_columns = ['customer_id', 'signup_date', 'birth_year', 'gender', 'annual_income',
    'education', 'marital_status', 'country', 'city'] -%}

with

source as (
    select * from {{ raw_source('customers') }}
),

gender_aliases as (
    select * from {{ ref('gender_aliases') }}
),

distinct_rows as (
    select
        {{- raw_columns_as(raw_columns) }}
        count(*) as raw_row_count
    from source
    group by all
),

parsed as (
    select
        distinct_rows.*,

        ---------- ids
        {{ clean_text('raw_customer_id') }} as customer_id,

        ---------- strings
        case
            when {{ clean_code('raw_gender') }} is null then 'unknown'
            else coalesce(gender_aliases.gender, 'other')
        end as gender,
        {{ clean_code('raw_education') }} as education,
        {{ clean_code('raw_marital_status') }} as marital_status,
        {{ clean_text('raw_country') }} as country,
        {{ clean_text('raw_city') }} as city,

        ---------- numerics
        {{ parse_integer('raw_birth_year') }} as birth_year,
        {{ parse_decimal('raw_annual_income') }} as annual_income_amount,

        ---------- dates
        {{ parse_date('raw_signup_date') }} as signup_date

    from distinct_rows
    left join gender_aliases
        on {{ clean_code('distinct_rows.raw_gender') }} = gender_aliases.gender_alias
),

checked as (
    select
        *,
        {{ data_issues(required_value_checks('customer_id')) }} as row_rejections,
        {{ data_issues(
            optional_value_checks('signup_date')
            + optional_value_checks('birth_year')
            + optional_value_checks('annual_income', 'annual_income_amount')
            + [['out_of_range_value', 'annual_income', 'annual_income_amount < 0']]
        ) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['customer_id'], raw_columns) }}
),

final as (
    select
        customer_id,
        gender,
        education,
        marital_status,
        country,
        city,
        birth_year,
        case when annual_income_amount >= 0 then annual_income_amount end as annual_income_amount,
        signup_date,
        {{ issue_summary_columns(raw_columns, ['customer_id']) }}
    from keyed
)

select * from final

{%- set raw_columns = ['currency', 'rate_date', 'rate_to_reporting'] -%}

with

source as (
    select * from {{ raw_source('exchange_rates') }}
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
        *,

        ---------- strings
        upper({{ clean_text('raw_currency') }}) as currency_code,

        ---------- numerics
        {{ parse_decimal('raw_rate_to_reporting', scale=10) }} as rate_to_reporting,

        ---------- dates
        {{ parse_date('raw_rate_date') }} as rate_date

    from distinct_rows
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('currency')
            + [['invalid_code', 'currency', 'not ' ~ full_match('currency_code', '[A-Z]{3}')]]
            + required_value_checks('rate_date', 'invalid_date')
            + required_value_checks('rate_to_reporting', 'invalid_decimal')
            + [['out_of_range', 'rate_to_reporting', 'rate_to_reporting <= 0']]
        ) }} as row_rejections,
        {{ data_issues([]) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['currency_code', 'rate_date'], raw_columns) }}
),

final as (
    select
        currency_code || '|' || cast(rate_date as {{ dbt.type_string() }}) as exchange_rate_id,
        currency_code,
        rate_date,
        rate_to_reporting,
        {{ issue_summary_columns(raw_columns, ['currency', 'rate_date']) }}
    from keyed
)

select * from final

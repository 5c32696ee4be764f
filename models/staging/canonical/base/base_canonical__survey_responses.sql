{%- set raw_columns = ['response_id', 'customer_id', 'responded_at', 'nps_score'] -%}

with

source as (
    select * from {{ raw_source('survey_responses') }}
),

customers as (
    select * from {{ ref('stg_canonical__customers') }}
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

        ---------- ids
        {{ clean_text('raw_response_id') }} as response_id,
        {{ clean_text('raw_customer_id') }} as customer_id,

        ---------- numerics
        {{ parse_integer('raw_nps_score') }} as nps_score,

        ---------- timestamps
        {{ parse_timestamp('raw_responded_at') }} as responded_at

    from distinct_rows
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('response_id')
            + known_customer_checks()
            + required_value_checks('responded_at', 'invalid_timestamp')
            + required_value_checks('nps_score', 'invalid_integer')
            + [['out_of_range', 'nps_score', 'nps_score not between 0 and 10']]
        ) }} as row_rejections,
        {{ data_issues([]) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['response_id'], raw_columns) }}
),

final as (
    select
        response_id,
        customer_id,
        nps_score,
        responded_at,
        {{ issue_summary_columns(raw_columns, ['response_id']) }}
    from keyed
)

select * from final

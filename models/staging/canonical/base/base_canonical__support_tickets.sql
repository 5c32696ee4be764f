{%- set raw_columns = ['ticket_id', 'customer_id', 'opened_at', 'resolved_at', 'category', 'csat_score'] -%}

with

source as (
    select * from {{ raw_source('support_tickets') }}
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
        {{ clean_text('raw_ticket_id') }} as ticket_id,
        {{ clean_text('raw_customer_id') }} as customer_id,

        ---------- strings
        {{ clean_code('raw_category') }} as category,

        ---------- numerics
        {{ parse_integer('raw_csat_score') }} as csat_score,

        ---------- timestamps
        {{ parse_timestamp('raw_opened_at') }} as opened_at,
        {{ parse_timestamp('raw_resolved_at') }} as resolved_at

    from distinct_rows
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('ticket_id')
            + known_customer_checks()
            + required_value_checks('opened_at', 'invalid_timestamp')
        ) }} as row_rejections,
        {{ data_issues(
            optional_value_checks('resolved_at')
            + [['out_of_range_value', 'resolved_at', 'resolved_at < opened_at']]
            + optional_value_checks('csat_score')
            + [['out_of_range_value', 'csat_score', 'csat_score not between 1 and 5']]
        ) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['ticket_id'], raw_columns) }}
),

final as (
    select
        ticket_id,
        customer_id,
        category,
        case when csat_score between 1 and 5 then csat_score end as csat_score,
        opened_at,
        case when resolved_at >= opened_at then resolved_at end as resolved_at,
        {{ issue_summary_columns(raw_columns, ['ticket_id']) }}
    from keyed
)

select * from final

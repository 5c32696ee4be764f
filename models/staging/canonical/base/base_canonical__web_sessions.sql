{%- set raw_columns = ['session_id', 'customer_id', 'started_at', 'duration_seconds', 'page_views', 'device'] -%}

with

source as (
    select * from {{ raw_source('web_sessions') }}
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
        {{ clean_text('raw_session_id') }} as session_id,
        {{ clean_text('raw_customer_id') }} as customer_id,

        ---------- strings
        {{ clean_code('raw_device') }} as device,

        ---------- numerics
        {{ parse_integer('raw_duration_seconds') }} as duration_seconds,
        {{ parse_integer('raw_page_views') }} as page_views,

        ---------- timestamps
        {{ parse_timestamp('raw_started_at') }} as started_at

    from distinct_rows
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('session_id')
            + known_customer_checks()
            + required_value_checks('started_at', 'invalid_timestamp')
        ) }} as row_rejections,
        {{ data_issues(
            optional_value_checks('duration_seconds')
            + [['out_of_range_value', 'duration_seconds', 'duration_seconds < 0']]
            + optional_value_checks('page_views')
            + [['out_of_range_value', 'page_views', 'page_views < 0']]
        ) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['session_id'], raw_columns) }}
),

final as (
    select
        session_id,
        customer_id,
        device,
        case when duration_seconds >= 0 then duration_seconds end as duration_seconds,
        case when page_views >= 0 then page_views end as page_views,
        started_at,
        {{ issue_summary_columns(raw_columns, ['session_id']) }}
    from keyed
)

select * from final

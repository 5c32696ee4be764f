{%- set raw_columns = ['session_id', 'customer_id', 'started_at', 'duration_seconds', 'page_views', 'device'] -%}

{%- set parsed_columns -%}
        ---------- ids
        {{ clean_text('raw_session_id') }} as session_id,
        {{ clean_text('raw_customer_id') }} as customer_id,

        ---------- strings
        {{ clean_code('raw_device') }} as device,

        ---------- numerics
        {{ parse_integer('raw_duration_seconds') }} as duration_seconds,
        {{ parse_integer('raw_page_views') }} as page_views,

        ---------- timestamps
        {{ parse_timestamp('raw_started_at') }} as started_at,

        ---------- flags
        {{ unknown_key_flag('customer_id', 'customers') }} as is_unknown_customer
{%- endset -%}

{%- set row_checks = required_value_checks('session_id')
    + known_customer_checks(unknown_flag='is_unknown_customer')
    + required_value_checks('started_at', 'invalid_timestamp') -%}

{%- set key_expressions = {'session_id': clean_text('raw_session_id')} -%}

with

customers as (
    select * from {{ ref('stg_canonical__customers') }}
),

---------- every distinct row, once, and those whose key another raw row also holds

{{ distinct_rows_ctes('web_sessions', raw_columns, key_expressions) }}

---------- the few rows whose key another row also holds, ranked

{{ duplicate_key_ranks_ctes(
    'repeated_key_rows', raw_columns, key_expressions,
    parsed_columns, row_checks
) }}

cleaned_rows as (
    {#- Each raw column trimmed once for the parse and checks (reading_cleaned_columns). #}
    select
        *,
        {{- cleaned_raw_columns(raw_columns) }}
    from distinct_rows
),

parsed as (
    select
        *,
        {{ reading_cleaned_columns(parsed_columns, raw_columns) }}
    from cleaned_rows
),

checked as (
    select
        *,
        {{ data_issues(reading_cleaned_checks(row_checks, raw_columns)) }} as row_rejections,
        {{ data_issues(reading_cleaned_checks(
            optional_value_checks('duration_seconds')
            + [['out_of_range_value', 'duration_seconds', 'duration_seconds < 0']]
            + optional_value_checks('page_views')
            + [['out_of_range_value', 'page_views', 'page_views < 0']],
            raw_columns
        )) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_ranks('checked', ['session_id'], raw_columns) }}
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

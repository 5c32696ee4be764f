{%- set raw_columns = ['event_id', 'customer_id', 'campaign_id', 'channel', 'event_type', 'occurred_at'] -%}
{%- set marketing_channels = ['email', 'sms', 'push', 'social'] -%}
{%- set event_types = ['sent', 'opened', 'clicked', 'converted', 'unsubscribed', 'liked', 'shared', 'commented'] -%}

{%- set parsed_columns -%}
        ---------- ids
        {{ clean_text('raw_event_id') }} as event_id,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ clean_text('raw_campaign_id') }} as campaign_id,

        ---------- strings
        {{ clean_code('raw_channel') }} as channel,
        {{ clean_code('raw_event_type') }} as event_type,

        ---------- timestamps
        {{ parse_timestamp('raw_occurred_at') }} as occurred_at,

        ---------- flags
        {{ unknown_key_flag('customer_id', 'customers') }} as is_unknown_customer
{%- endset -%}

{%- set row_checks = required_value_checks('event_id')
    + known_customer_checks(unknown_flag='is_unknown_customer')
    + required_value_checks('channel')
    + [['invalid_code', 'channel', "channel not in ('" ~ marketing_channels | join("', '") ~ "')"]]
    + required_value_checks('event_type')
    + [['invalid_code', 'event_type', "event_type not in ('" ~ event_types | join("', '") ~ "')"]]
    + required_value_checks('occurred_at', 'invalid_timestamp') -%}

{%- set key_expressions = {'event_id': clean_text('raw_event_id')} -%}

with

customers as (
    select * from {{ ref('stg_canonical__customers') }}
),

---------- every distinct row, once, and those whose key another raw row also holds

{{ distinct_rows_ctes('marketing_events', raw_columns, key_expressions) }}

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
        {{ data_issues([]) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_ranks('checked', ['event_id'], raw_columns) }}
),

final as (
    select
        event_id,
        customer_id,
        campaign_id,
        channel,
        event_type,
        occurred_at,
        {{ issue_summary_columns(raw_columns, ['event_id']) }}
    from keyed
)

select * from final

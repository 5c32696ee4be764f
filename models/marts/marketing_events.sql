{#- One row per marketing event before as_of_date (sends, opens, clicks, conversions), for the
    semantic layer's marketing metrics. A format without marketing events gives no rows. -#}
with

marketing_events as (
    select * from {{ staged('marketing_events') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

before_as_of_date as (
    select
        marketing_events.event_id,
        marketing_events.customer_id,
        marketing_events.campaign_id,
        marketing_events.channel,
        marketing_events.event_type,
        marketing_events.occurred_at,
        cast(marketing_events.occurred_at as date) as occurred_date
    from marketing_events
    cross join as_of
    where marketing_events.occurred_at < as_of.as_of_date
)

select * from before_as_of_date

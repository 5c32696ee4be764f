with

web_sessions as (
    select * from {{ staged('web_sessions') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

aggregated_to_customers as (
    select
        web_sessions.customer_id,
        count(*) as web_session_count,
        count(
            case when web_sessions.started_at >= {{ dbt.dateadd('day', -90, 'as_of.as_of_date') }} then 1 end
        ) as web_session_count_90d,
        count(
            case when web_sessions.started_at >= {{ dbt.dateadd('day', -30, 'as_of.as_of_date') }} then 1 end
        ) as web_session_count_30d,
        avg(web_sessions.duration_seconds) as avg_session_duration_seconds,
        avg(web_sessions.page_views) as avg_page_views_per_session
    from web_sessions
    cross join as_of
    where web_sessions.started_at < as_of.as_of_date
    group by web_sessions.customer_id
)

select * from aggregated_to_customers

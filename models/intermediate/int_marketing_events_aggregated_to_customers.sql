with

marketing_events as (
    select * from {{ staged('marketing_events') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

before_as_of_date as (
    select marketing_events.*
    from marketing_events
    cross join as_of
    where marketing_events.occurred_at < as_of.as_of_date
),

aggregated_to_customers as (
    select
        customer_id,
        count(case when channel = 'email' and event_type = 'sent' then 1 end) as email_sent_count,
        count(case when channel = 'email' and event_type = 'opened' then 1 end) as email_opened_count,
        count(case when channel = 'email' and event_type = 'clicked' then 1 end) as email_clicked_count,
        count(case when event_type = 'converted' then 1 end) as marketing_conversion_count,
        coalesce(bool_or(event_type = 'unsubscribed'), false) as is_unsubscribed,
        count(
            case when channel = 'social' and event_type in ('liked', 'shared', 'commented') then 1 end
        ) as social_interaction_count
    from before_as_of_date
    group by customer_id
),

engagement_by_channel as (
    {# Reactions, not sends: what the customer chose to respond to. #}
    select
        customer_id,
        channel,
        count(*) as reaction_count
    from before_as_of_date
    where event_type in ('opened', 'clicked', 'converted', 'liked', 'shared', 'commented')
    group by customer_id, channel
),

preferred_channel as (
    select
        customer_id,
        channel as preferred_marketing_channel
    from engagement_by_channel
    qualify row_number() over (partition by customer_id order by reaction_count desc, channel asc) = 1
),

final as (
    select
        aggregated_to_customers.*,
        preferred_channel.preferred_marketing_channel
    from aggregated_to_customers
    left join preferred_channel
        on aggregated_to_customers.customer_id = preferred_channel.customer_id
)

select * from final

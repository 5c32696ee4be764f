{%- set supplied_files = supplied_raw_files() -%}

with

customers as (
    select * from {{ ref('customers') }}
),

web_sessions as (
    select * from {{ ref('int_web_sessions_aggregated_to_customers') }}
),

marketing_events as (
    select * from {{ ref('int_marketing_events_aggregated_to_customers') }}
),

support_tickets as (
    select * from {{ ref('int_support_tickets_aggregated_to_customers') }}
),

feedback as (
    select * from {{ ref('int_feedback_aggregated_to_customers') }}
),

customer_summaries as (
    {# Engagement a format delivers per customer rather than as events (marketing_campaign). #}
    select * from {{ staged('customer_summaries') }}
),

files_present as (
    {#- A file that was not supplied leaves its features null: "none" and "unknown" differ.
        Whether it was is looked up in the folder when the model runs, as the row counts do:
        taking it from them made this mart wait for a full read of every raw file. #}
    select
        {{ 'true' if 'web_sessions' in supplied_files else 'false' }} as has_web_sessions,
        {{ 'true' if 'marketing_events' in supplied_files else 'false' }} as has_marketing_events,
        {{ 'true' if 'support_tickets' in supplied_files else 'false' }} as has_support_tickets,
        {{ 'true' if 'survey_responses' in supplied_files else 'false' }} as has_survey_responses,
        {{ 'true' if 'product_reviews' in supplied_files else 'false' }} as has_product_reviews
),

joined as (
    select
        customers.customer_id,
        customers.as_of_date,

        ---------- web sessions
        {{ if_file_supplied(
            'files_present.has_web_sessions', 'web_sessions.web_session_count'
        ) }} as web_session_count,
        {{ if_file_supplied(
            'files_present.has_web_sessions', 'web_sessions.web_session_count_90d'
        ) }} as web_session_count_90d,
        coalesce(
            {{ if_file_supplied('files_present.has_web_sessions', 'web_sessions.web_session_count_30d') }},
            customer_summaries.web_visit_count_30d
        ) as web_session_count_30d,
        web_sessions.avg_session_duration_seconds,
        web_sessions.avg_page_views_per_session,

        ---------- marketing
        {{ if_file_supplied(
            'files_present.has_marketing_events', 'marketing_events.email_sent_count'
        ) }} as email_sent_count,
        {{ if_file_supplied(
            'files_present.has_marketing_events', 'marketing_events.email_opened_count'
        ) }} as email_opened_count,
        {{ if_file_supplied(
            'files_present.has_marketing_events', 'marketing_events.email_clicked_count'
        ) }} as email_clicked_count,
        {# least() skips nulls in DuckDB, so the no-email case must stay null explicitly. #}
        case
            when marketing_events.email_sent_count > 0
                then least(marketing_events.email_opened_count / marketing_events.email_sent_count, 1.0)
        end as email_open_rate,
        case
            when marketing_events.email_sent_count > 0
                then least(marketing_events.email_clicked_count / marketing_events.email_sent_count, 1.0)
        end as email_click_rate,
        coalesce(
            {{ if_file_supplied(
                'files_present.has_marketing_events', 'marketing_events.marketing_conversion_count'
            ) }},
            customer_summaries.campaign_acceptance_count
        ) as marketing_conversion_count,
        customer_summaries.campaign_offer_count,
        customer_summaries.campaign_acceptance_count
        / nullif(customer_summaries.campaign_offer_count, 0) as campaign_response_rate,
        {{ if_file_supplied(
            'files_present.has_marketing_events', 'marketing_events.is_unsubscribed', 'false'
        ) }} as is_unsubscribed,
        {{ if_file_supplied(
            'files_present.has_marketing_events', 'marketing_events.social_interaction_count'
        ) }} as social_interaction_count,
        marketing_events.preferred_marketing_channel,

        ---------- support
        {{ if_file_supplied(
            'files_present.has_support_tickets', 'support_tickets.support_ticket_count'
        ) }} as support_ticket_count,
        {{ if_file_supplied(
            'files_present.has_support_tickets', 'support_tickets.open_support_ticket_count'
        ) }} as open_support_ticket_count,
        support_tickets.avg_csat_score,
        customer_summaries.has_complained,

        ---------- feedback
        {{ if_file_supplied(
            'files_present.has_survey_responses', 'feedback.survey_response_count'
        ) }} as survey_response_count,
        feedback.latest_nps_score,
        feedback.avg_nps_score,
        case
            when feedback.latest_nps_score >= 9 then 'promoter'
            when feedback.latest_nps_score >= 7 then 'passive'
            when feedback.latest_nps_score >= 0 then 'detractor'
        end as nps_category,
        {{ if_file_supplied('files_present.has_product_reviews', 'feedback.review_count') }} as review_count,
        feedback.avg_review_rating

    from customers
    cross join files_present
    left join web_sessions
        on customers.customer_id = web_sessions.customer_id
    left join marketing_events
        on customers.customer_id = marketing_events.customer_id
    left join support_tickets
        on customers.customer_id = support_tickets.customer_id
    left join feedback
        on customers.customer_id = feedback.customer_id
    left join customer_summaries
        on customers.customer_id = customer_summaries.customer_id
)

select * from joined

{#- One row per scored customer: what a marketing tool imports (`make export` writes one CSV
    per segment from this table). -#}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_engagement as (
    select * from {{ ref('customer_engagement') }}
),

segment_recommendations as (
    select * from {{ ref('segment_recommendations') }}
),

final as (
    select
        customer_segments.customer_id,
        customer_segments.as_of_date,
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.segment_archetype,
        segment_recommendations.recommended_action,
        segment_recommendations.channel,
        {# Known only where marketing events were supplied: an unsubscribe withdraws consent. #}
        not customer_engagement.is_unsubscribed as has_marketing_consent
    from customer_segments
    left join customer_engagement
        on customer_segments.customer_id = customer_engagement.customer_id
    left join segment_recommendations
        on customer_segments.segment_id = segment_recommendations.segment_id
)

select * from final

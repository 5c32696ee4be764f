{#- How each segment responded to each of the six campaigns, and to all of them together. -#}
with

customer_campaign_responses as (
    select * from {{ ref('customer_campaign_responses') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

members as (
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_campaign_responses.campaign_sequence,
        customer_campaign_responses.campaign_name,
        customer_campaign_responses.is_accepted
    from customer_campaign_responses
    inner join customer_segments
        on customer_campaign_responses.customer_id = customer_segments.customer_id
),

by_campaign as (
    select
        segment_id,
        any_value(segment_name) as segment_name,
        campaign_sequence,
        any_value(campaign_name) as campaign_name,
        count(*) as offer_count,
        count(case when is_accepted then 1 end) as acceptance_count
    from members
    group by segment_id, campaign_sequence
),

all_campaigns as (
    select
        segment_id,
        any_value(segment_name) as segment_name,
        0 as campaign_sequence,
        'all campaigns' as campaign_name,
        count(*) as offer_count,
        count(case when is_accepted then 1 end) as acceptance_count
    from members
    group by segment_id
),

unioned as (
    select * from by_campaign
    union all
    select * from all_campaigns
),

final as (
    select
        cast(segment_id as {{ dbt.type_string() }}) || '|' || cast(campaign_sequence as {{ dbt.type_string() }})
            as segment_campaign_id,
        segment_id,
        segment_name,
        campaign_sequence,
        campaign_name,
        offer_count,
        acceptance_count,
        acceptance_count / offer_count as response_rate
    from unioned
)

select * from final

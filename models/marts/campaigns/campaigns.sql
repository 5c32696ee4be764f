{#- One row per planned campaign (the seed campaign_plans): its audience, its sends and where
    its measurement stands, so a plan that found no snapshot or no customer says so instead of
    leaving no row anywhere. -#}
with

campaign_plans as (
    select * from {{ ref('campaign_plans') }}
),

campaign_outcomes as (
    select * from {{ ref('int_campaign_outcomes') }}
),

campaign_audiences as (
    select * from {{ ref('campaign_audiences') }}
),

customer_segment_history as (
    select * from {{ ref('customer_segment_history') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

first_snapshot as (
    select min(as_of_date) as first_snapshot_date
    from customer_segment_history
),

audience_summaries as (
    select
        campaign_id,
        min(segment_snapshot_date) as segment_snapshot_date,
        count(*) as audience_customer_count,
        cast(sum(case when is_control then 1 else 0 end) as bigint) as control_customer_count,
        count(distinct segment_id) as segment_count
    from campaign_audiences
    group by campaign_id
),

outcome_summaries as (
    select
        campaign_id,
        min(window_start_date) as window_start_date,
        min(window_end_date) as window_end_date,
        cast(sum(case when campaign_group = 'treatment' and was_sent then 1 else 0 end) as bigint)
            as treatment_sent_count,
        cast(sum(case when campaign_group = 'control' and was_sent then 1 else 0 end) as bigint)
            as control_sent_count
    from campaign_outcomes
    group by campaign_id
),

final as (
    select
        campaign_plans.campaign_id,
        campaign_plans.target_segment_names,
        campaign_plans.planned_send_date,
        coalesce(campaign_plans.control_share, 0.1) as control_share,
        campaign_plans.conversion_window_days,
        audience_summaries.segment_snapshot_date,
        coalesce(audience_summaries.segment_count, 0) as segment_count,
        coalesce(audience_summaries.audience_customer_count, 0) as audience_customer_count,
        coalesce(audience_summaries.audience_customer_count - audience_summaries.control_customer_count, 0)
            as treatment_customer_count,
        coalesce(audience_summaries.control_customer_count, 0) as control_customer_count,
        coalesce(outcome_summaries.treatment_sent_count, 0) as treatment_sent_count,
        coalesce(outcome_summaries.control_sent_count, 0) as control_sent_count,
        outcome_summaries.window_start_date,
        outcome_summaries.window_end_date,
        case
            when
                first_snapshot.first_snapshot_date is null
                or campaign_plans.planned_send_date < first_snapshot.first_snapshot_date
                then 'no_segment_snapshot'
            when audience_summaries.campaign_id is null then 'no_audience'
            when outcome_summaries.window_start_date is null then 'not_sent'
            when
                audience_summaries.control_customer_count = 0
                or audience_summaries.control_customer_count = audience_summaries.audience_customer_count
                then 'no_control_group'
            when outcome_summaries.window_end_date > as_of.as_of_date then 'window_open'
            else 'measured'
        end as campaign_status
    from campaign_plans
    cross join first_snapshot
    cross join as_of
    left join audience_summaries
        on campaign_plans.campaign_id = audience_summaries.campaign_id
    left join outcome_summaries
        on campaign_plans.campaign_id = outcome_summaries.campaign_id
)

select * from final

{#- One row per customer per planned campaign: the audience frozen at the segment snapshot of
    the planned send date and split into treatment and control by a stable hash, so a rebuild,
    a re-export or a later as-of date gives every customer the same group. -#}
with

campaign_plans as (
    select * from {{ ref('campaign_plans') }}
),

customer_segment_history as (
    select * from {{ ref('customer_segment_history') }}
),

snapshot_dates as (
    select distinct as_of_date
    from customer_segment_history
),

{# The latest snapshot on or before the planned date: later ones could already show the
   campaign's own effect, and an earlier plan must not move when new snapshots arrive. #}
plans_with_snapshot as (
    select
        campaign_plans.campaign_id,
        campaign_plans.target_segment_names,
        coalesce(campaign_plans.control_share, 0.1) as control_share,
        campaign_plans.planned_send_date,
        max(snapshot_dates.as_of_date) as segment_snapshot_date
    from campaign_plans
    inner join snapshot_dates
        on campaign_plans.planned_send_date >= snapshot_dates.as_of_date
    group by all
),

audiences as (
    select
        plans_with_snapshot.campaign_id,
        customer_segment_history.customer_id,
        plans_with_snapshot.segment_snapshot_date,
        customer_segment_history.segment_id,
        customer_segment_history.segment_name,
        plans_with_snapshot.planned_send_date,
        plans_with_snapshot.control_share,
        {{ stable_unit_interval("plans_with_snapshot.campaign_id || ':' || customer_segment_history.customer_id") }}
            as assignment_draw
    from plans_with_snapshot
    inner join customer_segment_history
        on
            plans_with_snapshot.segment_snapshot_date = customer_segment_history.as_of_date
            and (
                trim(plans_with_snapshot.target_segment_names) = '*'
                or instr(
                    '|' || plans_with_snapshot.target_segment_names || '|',
                    '|' || customer_segment_history.segment_name || '|'
                ) > 0
            )
),

final as (
    select
        campaign_id,
        customer_id,
        segment_snapshot_date,
        segment_id,
        segment_name,
        planned_send_date,
        control_share,
        assignment_draw,
        assignment_draw < control_share as is_control,
        case when assignment_draw < control_share then 'control' else 'treatment' end as campaign_group
    from audiences
)

select * from final

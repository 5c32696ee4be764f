{#- What to do with each current segment: the governed playbook row for its archetype, beside
    the segment's size, value and validation, as one sentence a marketer can act on. -#}
with

segment_profiles as (
    select * from {{ ref('segment_profiles') }}
),

segment_validation as (
    select * from {{ ref('segment_validation') }}
),

segment_playbook as (
    select * from {{ ref('segment_playbook') }}
),

final as (
    select
        segment_profiles.segment_id,
        segment_profiles.segment_name,
        segment_profiles.segment_archetype,
        segment_profiles.customer_count,
        segment_profiles.customer_share,
        segment_profiles.revenue_share,
        segment_profiles.top_category,
        segment_playbook.objective,
        segment_playbook.recommended_action,
        segment_playbook.channel,
        segment_playbook.offer_type,
        segment_playbook.product_focus,
        segment_playbook.kpi_to_watch,
        segment_playbook.target_direction,
        segment_validation.passes_validation,
        segment_validation.validation_notes,
        concat_ws(
            ' · ',
            segment_profiles.segment_name,
            {{ thousands_separated('segment_profiles.customer_count') }} || ' customers',
            printf('%.0f%% of revenue', cast(100 * segment_profiles.revenue_share as double)),
            segment_playbook.recommended_action,
            'KPI: ' || segment_playbook.kpi_to_watch,
            case
                when not segment_validation.passes_validation then 'caution: ' || segment_validation.validation_notes
            end
        ) as recommendation_summary
    from segment_profiles
    left join segment_playbook
        on segment_profiles.segment_archetype = segment_playbook.segment_archetype
    left join segment_validation
        on segment_profiles.segment_id = segment_validation.segment_id
)

select * from final

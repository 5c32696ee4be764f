{#- The two archetypes the code can give without a seed row (no vocabulary; a single segment)
    must have a playbook row too, so every name a run can produce has a recommendation. -#}
with

fallbacks as (
    select 'Customers' as archetype
    union all
    select 'All Customers' as archetype
),

segment_playbook as (
    select * from {{ ref('segment_playbook') }}
)

select fallbacks.archetype
from fallbacks
left join segment_playbook
    on fallbacks.archetype = segment_playbook.segment_archetype
where segment_playbook.segment_archetype is null

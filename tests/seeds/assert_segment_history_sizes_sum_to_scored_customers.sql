{#- For every as-of date in the history, the segment sizes add up to the customers that run
    scored: nobody is lost or counted twice between customer_segment_history and the run. -#}
with

customer_segment_history as (
    select * from {{ ref('customer_segment_history') }}
),

segmentation_runs as (
    select * from {{ ref('segmentation_runs') }}
),

segment_sizes as (
    select
        as_of_date,
        segment_id,
        count(*) as customer_count
    from customer_segment_history
    group by as_of_date, segment_id
),

totals as (
    select
        as_of_date,
        sum(customer_count) as segmented_customer_count
    from segment_sizes
    group by as_of_date
)

select
    segmentation_runs.as_of_date,
    segmentation_runs.scored_customer_count,
    coalesce(totals.segmented_customer_count, 0) as segmented_customer_count
from segmentation_runs
left join totals
    on segmentation_runs.as_of_date = totals.as_of_date
{#- A run that scored nobody has no history rows: 0 of 0. #}
where coalesce(totals.segmented_customer_count, 0) is distinct from segmentation_runs.scored_customer_count

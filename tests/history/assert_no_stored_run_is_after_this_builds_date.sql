{{ config(severity='warn', store_failures=true) }}
{#- A build as of an earlier date than a stored run is allowed (a backfill, a rebuild of
    history), but the marts that describe the present (customer_segments, the audiences,
    kpis_monthly) then describe the earlier date, and nothing else says so. Warn with the
    stored runs after this build's date: rebuilding the latest of them publishes it again. -#}

with

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

segmentation_runs as (
    select * from {{ ref('segmentation_runs') }}
),

final as (
    select
        as_of.as_of_date as built_as_of_date,
        segmentation_runs.as_of_date as later_run_as_of_date,
        segmentation_runs.segment_mode as later_run_segment_mode
    from segmentation_runs
    cross join as_of
    where segmentation_runs.as_of_date > as_of.as_of_date
)

select * from final

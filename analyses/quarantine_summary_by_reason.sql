{#- Where the raw data is dirty: quarantined rows and values per file and reason, with the
    share of the file's raw rows they represent. `dbt compile` then run the compiled SQL. -#}
with

quarantine as (
    select * from {{ ref('quarantine') }}
),

reconciliation as (
    select * from {{ ref('raw_file_reconciliation') }}
),

by_reason as (
    select
        source_file,
        reason_code,
        quarantine_action,
        sum(affected_row_count) as affected_row_count
    from quarantine
    group by source_file, reason_code, quarantine_action
)

select
    by_reason.source_file,
    by_reason.reason_code,
    by_reason.quarantine_action,
    by_reason.affected_row_count,
    round(100.0 * by_reason.affected_row_count / nullif(reconciliation.raw_row_count, 0), 2)
        as raw_row_pct
from by_reason
inner join reconciliation
    on by_reason.source_file = reconciliation.source_file
order by by_reason.source_file asc, by_reason.affected_row_count desc

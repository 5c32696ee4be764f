{{ config(severity='warn', store_failures=true) }}
{#- A build can reconcile and still have lost a third of a file to quarantine (a currency
    without rates, dates in a format the contract does not allow): nothing downstream fails,
    the marts are just thinner. Warn when rows rejected whole exceed the var
    max_rejected_row_share of any file's raw rows, naming the most frequent reason. -#}
with

reconciliation as (
    select * from {{ ref('raw_file_reconciliation') }}
),

quarantine as (
    select * from {{ ref('quarantine') }}
),

rejections_by_reason as (
    select
        source_file,
        reason_code,
        sum(affected_row_count) as rejected_row_count,
        row_number() over (
            partition by source_file order by sum(affected_row_count) desc, reason_code
        ) as reason_rank
    from quarantine
    where is_row_rejected
    group by source_file, reason_code
),

final as (
    select
        reconciliation.source_file,
        reconciliation.raw_row_count,
        reconciliation.rejected_row_count,
        reconciliation.rejected_row_count / reconciliation.raw_row_count as rejected_row_share,
        rejections_by_reason.reason_code as most_frequent_reason_code,
        rejections_by_reason.rejected_row_count as most_frequent_reason_row_count
    from reconciliation
    left join rejections_by_reason
        on
            reconciliation.source_file = rejections_by_reason.source_file
            and rejections_by_reason.reason_rank = 1
    where
        reconciliation.raw_row_count > 0
        and reconciliation.rejected_row_count
        > {{ var('max_rejected_row_share') }} * reconciliation.raw_row_count
)

select * from final

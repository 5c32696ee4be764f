{#- Raw lines counted straight from each file must equal the clean rows plus the rejected rows
    plus the duplicates removed plus the rows set aside (lines that are not sales, such as
    postage in online_retail): nothing is dropped without a trace. -#}
{%- set raw_tables = raw_tables() -%}

with

raw_file_row_counts as (
    select * from {{ staged('raw_file_row_counts') }}
),

quarantine as (
    select * from {{ ref('quarantine') }}
),

clean_row_counts as (
    {% for table_name in raw_tables -%}
    select
        '{{ table_name }}' as source_table,
        count(*) as clean_row_count
    from {{ staged(table_name) }}
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}
),

quarantine_counts as (
    select
        source_file,
        cast(sum(case when quarantine_action = 'row_rejected' then affected_row_count else 0 end) as bigint)
            as rejected_row_count,
        cast(sum(case when quarantine_action = 'duplicate_removed' then affected_row_count else 0 end) as bigint)
            as duplicate_row_count,
        cast(sum(case when quarantine_action = 'set_aside' then affected_row_count else 0 end) as bigint)
            as set_aside_row_count,
        cast(sum(case when quarantine_action in ('value_set_null', 'value_logged') then 1 else 0 end) as bigint)
            as value_issue_count
    from quarantine
    group by source_file
),

reconciled as (
    select
        raw_file_row_counts.source_file,
        raw_file_row_counts.source_table,
        raw_file_row_counts.is_file_present,
        raw_file_row_counts.raw_row_count,
        clean_row_counts.clean_row_count,
        coalesce(quarantine_counts.rejected_row_count, 0) as rejected_row_count,
        coalesce(quarantine_counts.duplicate_row_count, 0) as duplicate_row_count,
        coalesce(quarantine_counts.set_aside_row_count, 0) as set_aside_row_count,
        coalesce(quarantine_counts.value_issue_count, 0) as value_issue_count
    from raw_file_row_counts
    inner join clean_row_counts
        on raw_file_row_counts.source_table = clean_row_counts.source_table
    left join quarantine_counts
        on raw_file_row_counts.source_file = quarantine_counts.source_file
),

final as (
    select
        *,
        coalesce(
            raw_row_count = clean_row_count + rejected_row_count + duplicate_row_count + set_aside_row_count, false
        ) as is_reconciled
    from reconciled
)

select * from final

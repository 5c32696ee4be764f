{#- The decision-tree explanation of the segments: rules an analyst can read and paste. -#}
with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

rules as (
    select
        rule_id,
        rule_scope,
        cast(segment_id as integer) as segment_id,
        segment_name,
        rule_text,
        sql_predicate,
        customers_matched,
        customers_correct,
        rule_precision,
        segment_recall,
        cast(rule_depth as integer) as rule_depth,
        feature_count,
        fit_row_count
    from segmentation_fit
    where row_kind = 'rule'
)

select * from rules

{#- Model inputs per customer for three fits: `production` (all history before as_of_date),
    `holdout_evaluation` (history before as_of_date - clv_holdout_days, whose predictions are
    compared with what customers did in the holdout: clv_model_evaluation) and `selection`
    (history before that cut-off - clv_selection_holdout_days, whose holdout ends where the
    evaluation's calibration does: it chooses the production model without seeing the
    evaluation's holdout). -#}
{%- set holdout_days = positive_var('clv_holdout_days') -%}
{%- set selection_days = holdout_days + positive_var('clv_selection_holdout_days') -%}

with

purchase_days as (
    select * from {{ ref('int_customer_purchase_days') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

calibration_ends as (
    select
        'production' as fit_purpose,
        as_of_date as calibration_end_date,
        as_of_date as holdout_end_date
    from as_of
    union all
    select
        'holdout_evaluation' as fit_purpose,
        cast({{ dbt.dateadd('day', -1 * holdout_days, 'as_of_date') }} as date)
            as calibration_end_date,
        as_of_date as holdout_end_date
    from as_of
    union all
    select
        'selection' as fit_purpose,
        cast({{ dbt.dateadd('day', -1 * selection_days, 'as_of_date') }} as date)
            as calibration_end_date,
        cast({{ dbt.dateadd('day', -1 * holdout_days, 'as_of_date') }} as date)
            as holdout_end_date
    from as_of
),

{{ clv_summary_ctes('purchase_days', 'calibration_ends') }},

final as (
    {#- Every column of clv_summary_ctes (its last CTE lists them), keyed. -#}
    select
        fit_purpose || '|' || customer_id as clv_summary_id,
        *
    from clv_summaries
)

select * from final

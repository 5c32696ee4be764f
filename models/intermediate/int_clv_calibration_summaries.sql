{#- Model inputs per customer for three fits: `production` (all history before as_of_date),
    `holdout_evaluation` (history before as_of_date - clv_holdout_days, whose predictions are
    compared with what customers did in the holdout: clv_model_evaluation) and `selection`
    (history before that cut-off - clv_selection_holdout_days, whose holdout ends where the
    evaluation's calibration does: it chooses the production model without seeing the
    evaluation's holdout). The selection window is measured on at most clv_fit_customers
    customers, one in n in id order, the sample BG/NBD is fitted on: its figures only choose
    between two models, and scoring a million customers on it was a third of the fits' time. -#}
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

selection_buyers as (
    {#- The selection fit's customers: those with a purchase day before its cut-off. -#}
    select purchase_days.customer_id
    from purchase_days
    inner join calibration_ends
        on purchase_days.purchase_date < calibration_ends.calibration_end_date
    where calibration_ends.fit_purpose = 'selection' and purchase_days.is_purchase_day
),

selection_sample as (
    {{ every_nth_customer('selection_buyers', positive_var('clv_fit_customers')) }}
),

{{ clv_summary_ctes('purchase_days', 'calibration_ends') }},

final as (
    {#- Every column of clv_summary_ctes (its last CTE lists them), keyed. -#}
    select
        clv_summaries.fit_purpose || '|' || clv_summaries.customer_id as clv_summary_id,
        clv_summaries.*
    from clv_summaries
    left join selection_sample
        on
            clv_summaries.fit_purpose = 'selection'
            and clv_summaries.customer_id = selection_sample.customer_id
    where clv_summaries.fit_purpose != 'selection' or selection_sample.customer_id is not null
)

select * from final

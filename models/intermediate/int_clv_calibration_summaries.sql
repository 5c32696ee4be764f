{#- Model inputs per customer for three fits: `production` (all history before as_of_date),
    `holdout_evaluation` (history before as_of_date - clv_holdout_days, whose predictions are
    compared with what customers did in the holdout: clv_model_evaluation) and `selection`
    (history before that cut-off - clv_selection_holdout_days, whose holdout ends where the
    evaluation's calibration does: it chooses the production model without seeing the
    evaluation's holdout). Beyond clv_fit_customers, the two fits with a holdout are measured on
    one customer in n in id order, the sample BG/NBD is fitted on: their figures only choose
    between models and evaluate them, and scoring a million customers on each was half of the
    fits' time and most of the evaluation marts'. Production predicts every customer. -#}
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

holdout_fit_customers as (
    {#- The customers of each fit with a holdout: those who bought before its cut-off. -#}
    select
        fit_purpose,
        customer_id
    from clv_summaries
    where fit_purpose != 'production'
),

holdout_fit_samples as (
    {{ every_nth_customer(
        'holdout_fit_customers', positive_var('clv_fit_customers'), partition_by='fit_purpose'
    ) }}
),

final as (
    {#- Every column of clv_summary_ctes (its last CTE lists them), keyed. -#}
    select
        clv_summaries.fit_purpose || '|' || clv_summaries.customer_id as clv_summary_id,
        clv_summaries.*
    from clv_summaries
    left join holdout_fit_samples
        on
            clv_summaries.fit_purpose = holdout_fit_samples.fit_purpose
            and clv_summaries.customer_id = holdout_fit_samples.customer_id
    where clv_summaries.fit_purpose = 'production' or holdout_fit_samples.customer_id is not null
)

select * from final

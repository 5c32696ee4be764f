{#- The learned model's training examples: for each CLV fit, a sample of customers as of
    clv_training_windows earlier cut-offs, each with the same inputs as
    int_clv_calibration_summaries (clv_summary_ctes) and, as labels, the purchase days and net
    spend in the clv_selection_holdout_days after the cut-off. Every label window ends by the
    fit's own calibration end, so no example reads anything the fit may not see. -#}
{%- set label_days = positive_var('clv_selection_holdout_days') -%}
{%- set step_days = positive_var('clv_training_window_step_days') -%}

with

purchase_days as (
    select * from {{ ref('int_customer_purchase_days') }}
),

summaries as (
    select * from {{ ref('int_clv_calibration_summaries') }}
),

fits as (
    select distinct
        fit_purpose,
        calibration_end_date
    from summaries
),

calibration_ends as (
    {#- Cut-off k is label_days + k * step_days before the fit's calibration end. -#}
    {%- for window in range(positive_var('clv_training_windows')) %}
    {%- set days_back = label_days + window * step_days %}
    select
        fit_purpose,
        cast({{ dbt.dateadd('day', -1 * days_back, 'calibration_end_date') }} as date)
            as calibration_end_date,
        cast({{ dbt.dateadd('day', -1 * (days_back - label_days), 'calibration_end_date') }} as date)
            as holdout_end_date
    from fits
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

sampled_customers as (
    {#- Every n-th customer in id order, up to clv_training_customers. -#}
    {{ every_nth_customer('purchase_days', positive_var('clv_training_customers')) }}
),

sampled_purchase_days as (
    select purchase_days.*
    from purchase_days
    inner join sampled_customers on purchase_days.customer_id = sampled_customers.customer_id
),

{{ clv_summary_ctes('sampled_purchase_days', 'calibration_ends') }},

final as (
    {#- Every column of clv_summary_ctes (its last CTE lists them), keyed. -#}
    select
        fit_purpose || '|' || cast(calibration_end_date as {{ dbt.type_string() }})
        || '|' || customer_id as clv_training_example_id,
        *
    from clv_summaries
)

select * from final

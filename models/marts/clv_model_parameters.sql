with

clv_fit as (
    select * from {{ fitted_table('int_clv_fit') }}
),

summaries as (
    select * from {{ ref('int_clv_calibration_summaries') }}
),

model_selection as (
    select * from {{ ref('int_clv_model_selection') }}
),

published as (
    {#- The model chosen on the selection window (BG/NBD when nothing was chosen), and why. -#}
    select
        coalesce(max(case when is_production_model then model_name end), 'bg_nbd')
            as prediction_model_name,
        max(selection_reason) as selection_reason
    from model_selection
),

calibration_ends as (
    select
        fit_purpose,
        min(calibration_end_date) as calibration_end_date
    from summaries
    group by fit_purpose
),

parameters as (
    select
        clv_fit.fit_purpose || '|' || clv_fit.model_name as clv_fit_id,
        clv_fit.fit_purpose,
        clv_fit.model_name,
        calibration_ends.calibration_end_date,
        clv_fit.fit_status,
        clv_fit.status_reason,
        coalesce(clv_fit.fit_status = 'fitted', false) as is_converged,
        clv_fit.r,
        clv_fit.alpha,
        clv_fit.a,
        clv_fit.b,
        clv_fit.p,
        clv_fit.q,
        clv_fit.gamma,
        clv_fit.penalizer,
        clv_fit.log_likelihood,
        clv_fit.customers_used,
        clv_fit.customers_excluded,
        {{ positive_var('clv_time_unit_days', whole_number=false) }} as time_unit_days,
        {#- BG/NBD's spend comes from Gamma-Gamma: both are published together. -#}
        coalesce(
            clv_fit.fit_purpose = 'production'
            and (
                clv_fit.model_name = published.prediction_model_name
                or (
                    published.prediction_model_name = 'bg_nbd'
                    and clv_fit.model_name = 'gamma_gamma'
                )
            ),
            false
        ) as is_production_model,
        case when clv_fit.fit_purpose = 'production' then published.selection_reason end
            as selection_reason
    from clv_fit
    cross join published
    left join calibration_ends
        on clv_fit.fit_purpose = calibration_ends.fit_purpose
    where clv_fit.row_kind = 'parameters'
)

select * from parameters

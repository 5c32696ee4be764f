{#- The holdout test of the spend predictions: fitted on history before as_of_date -
    clv_holdout_days, each model's prediction of what every customer spends in the holdout
    (returns netted) against what they spent, per model: overall and by decile of its own
    predictions. The purchase models' test is clv_model_evaluation. -#}
with

holdout_predictions as (
    select * from {{ ref('int_clv_holdout_predictions') }}
    where fit_purpose = 'holdout_evaluation'
),

{#- BG/NBD without a Gamma-Gamma fit, and the past-repeat-count baseline, predict no spend. -#}
{{ holdout_scores_ctes('holdout_predictions', 'predicted_spend_amount', 'actual_spend_amount') }},

final as (
    select
        model_name,
        evaluation_group,
        predicted_decile,
        customer_count,
        {#- Amounts to a millionth of the currency unit: at 9 decimals, sums in the hundreds of
            thousands still differ in the last digit from run to run. -#}
        round(predicted_total, 6) as predicted_spend_total_amount,
        round(actual_total, 6) as actual_spend_total_amount,
        round(predicted_mean, 6) as predicted_spend_mean_amount,
        round(actual_mean, 6) as actual_spend_mean_amount,
        round(mean_absolute_error, 6) as mean_absolute_error_amount,
        value_correlation as spend_correlation,
        rank_correlation as spend_rank_correlation,
        top_decile_share as top_decile_spend_share,
        decile_calibration_error,
        calibration_end_date,
        holdout_days
    from holdout_scores
)

select * from final

{#- The holdout test of the purchase models: fitted on history before as_of_date -
    clv_holdout_days, each model's predictions of every customer's purchase days in the holdout
    against what they did, per model: overall and by decile of its own predictions. -#}
with

holdout_predictions as (
    select * from {{ ref('int_clv_holdout_predictions') }}
    where fit_purpose = 'holdout_evaluation'
),

{{ holdout_scores_ctes(
    'holdout_predictions', 'predicted_purchases', 'actual_purchases',
    interval=['predicted_purchases_p10', 'predicted_purchases_p90']
) }},

final as (
    select
        model_name,
        evaluation_group,
        predicted_decile,
        customer_count,
        predicted_total as predicted_purchases_total,
        actual_total as actual_purchases_total,
        predicted_mean as predicted_purchases_mean,
        actual_mean as actual_purchases_mean,
        mean_absolute_error,
        value_correlation as purchase_correlation,
        rank_correlation as purchase_rank_correlation,
        top_decile_share as top_decile_purchase_share,
        decile_calibration_error,
        interval_coverage as purchase_interval_coverage,
        calibration_end_date,
        holdout_days
    from holdout_scores
)

select * from final

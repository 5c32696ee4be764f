{#- Each model's prediction of every customer's holdout purchase days and spend, beside what
    they did, for the two fits that have a holdout: `selection` (int_clv_model_selection
    chooses the production model on it) and `holdout_evaluation` (clv_model_evaluation and
    clv_spend_evaluation report it). The models: BG/NBD with Gamma-Gamma for spend, the learned
    model, and, on the evaluation's holdout only (the choice compares the two models alone),
    the baselines a marketer would try first, the past repeat count and the past repeat
    spend. -#}
with

summaries as (
    select * from {{ ref('int_clv_calibration_summaries') }}
    where fit_purpose in ('selection', 'holdout_evaluation')
),

clv_fit as (
    select * from {{ fitted_table('int_clv_fit') }}
    where row_kind = 'customer' and fit_purpose in ('selection', 'holdout_evaluation')
),

bg_nbd as (
    select
        'bg_nbd' as model_name,
        fit_purpose,
        customer_id,
        expected_purchases as predicted_purchases,
        purchases_p10 as predicted_purchases_p10,
        purchases_p90 as predicted_purchases_p90,
        {# Null where Gamma-Gamma was not fitted: the spend test goes on without it. #}
        expected_purchases * expected_average_spend_amount as predicted_spend_amount
    from clv_fit
    {# A fit that did not converge predicts nothing: the comparison goes on without it. #}
    where expected_purchases is not null
),

gradient_boosting as (
    select
        'gradient_boosting' as model_name,
        fit_purpose,
        customer_id,
        learned_expected_purchases as predicted_purchases,
        {# A Poisson rate model gives a mean, not a distribution of counts. #}
        cast(null as bigint) as predicted_purchases_p10,
        cast(null as bigint) as predicted_purchases_p90,
        learned_expected_spend_amount as predicted_spend_amount
    from clv_fit
    {# Not fitted where the history was too short for training windows. #}
    where learned_expected_purchases is not null
),

repeat_rates as (
    {# One rate for everyone, so each baseline ranks customers exactly by its past figure and
       only its scale (for the error and calibration figures) comes from the data. #}
    select
        fit_purpose,
        max(holdout_time_units) / nullif(avg(age_time_units), 0) as holdout_per_age
    from summaries
    where fit_purpose = 'holdout_evaluation'
    group by fit_purpose
),

past_repeat_count as (
    select
        'past_repeat_count' as model_name,
        summaries.fit_purpose,
        summaries.customer_id,
        summaries.frequency * repeat_rates.holdout_per_age as predicted_purchases,
        cast(null as bigint) as predicted_purchases_p10,
        cast(null as bigint) as predicted_purchases_p90,
        cast(null as double) as predicted_spend_amount
    from summaries
    inner join repeat_rates on summaries.fit_purpose = repeat_rates.fit_purpose
    where repeat_rates.holdout_per_age is not null
),

past_repeat_spend as (
    select
        'past_repeat_spend' as model_name,
        summaries.fit_purpose,
        summaries.customer_id,
        cast(null as double) as predicted_purchases,
        cast(null as bigint) as predicted_purchases_p10,
        cast(null as bigint) as predicted_purchases_p90,
        summaries.repeat_net_amount * repeat_rates.holdout_per_age as predicted_spend_amount
    from summaries
    inner join repeat_rates on summaries.fit_purpose = repeat_rates.fit_purpose
    where repeat_rates.holdout_per_age is not null
),

predictions as (
    select * from bg_nbd
    union all
    select * from gradient_boosting
    union all
    select * from past_repeat_count
    union all
    select * from past_repeat_spend
),

final as (
    select
        predictions.fit_purpose || '|' || predictions.model_name || '|' || predictions.customer_id
            as clv_holdout_prediction_id,
        predictions.fit_purpose,
        predictions.model_name,
        predictions.customer_id,
        summaries.calibration_end_date,
        summaries.holdout_time_units,
        predictions.predicted_purchases,
        predictions.predicted_purchases_p10,
        predictions.predicted_purchases_p90,
        summaries.holdout_purchase_count as actual_purchases,
        predictions.predicted_spend_amount,
        {#- In double, as the predictions are: the engines average decimals at different
            precisions. -#}
        cast(summaries.holdout_net_amount as double) as actual_spend_amount
    from predictions
    inner join summaries
        on
            predictions.fit_purpose = summaries.fit_purpose
            and predictions.customer_id = summaries.customer_id
)

select * from final

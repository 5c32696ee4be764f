{#- Each model's prediction of every customer's holdout purchase days, beside what they did:
    the production model (BG/NBD) and the baseline a marketer would try first, the past repeat
    count. clv_model_evaluation scores them on the same customers and the same holdout. -#}
with

summaries as (
    select * from {{ ref('int_clv_calibration_summaries') }}
    where fit_purpose = 'holdout_evaluation'
),

clv_fit as (
    select * from {{ fitted_table('int_clv_fit') }}
    where row_kind = 'customer' and fit_purpose = 'holdout_evaluation'
),

bg_nbd as (
    select
        'bg_nbd' as model_name,
        summaries.customer_id,
        clv_fit.expected_purchases as predicted_purchases
    from summaries
    inner join clv_fit on summaries.customer_id = clv_fit.customer_id
    {# A fit that did not converge predicts nothing: the comparison goes on without it. #}
    where clv_fit.expected_purchases is not null
),

repeat_rate as (
    {# One rate for everyone, so the baseline ranks customers exactly by their repeat count
       and only its scale (for the error and calibration figures) comes from the data. #}
    select max(holdout_time_units) / nullif(avg(age_time_units), 0) as holdout_per_age
    from summaries
),

past_repeat_count as (
    select
        'past_repeat_count' as model_name,
        summaries.customer_id,
        summaries.frequency * repeat_rate.holdout_per_age as predicted_purchases
    from summaries
    cross join repeat_rate
    where repeat_rate.holdout_per_age is not null
),

predictions as (
    select * from bg_nbd
    union all
    select * from past_repeat_count
),

final as (
    select
        predictions.model_name || '|' || predictions.customer_id as clv_holdout_prediction_id,
        predictions.model_name,
        predictions.customer_id,
        summaries.calibration_end_date,
        summaries.holdout_time_units,
        predictions.predicted_purchases,
        summaries.holdout_purchase_count as actual_purchases
    from predictions
    inner join summaries on predictions.customer_id = summaries.customer_id
)

select * from final

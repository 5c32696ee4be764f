with

clv_fit as (
    select * from {{ fitted_table('int_clv_fit') }}
),

summaries as (
    select * from {{ ref('int_clv_calibration_summaries') }}
    where fit_purpose = 'production'
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

model_selection as (
    select * from {{ ref('int_clv_model_selection') }}
),

predictions as (
    select * from clv_fit
    where row_kind = 'customer' and fit_purpose = 'production'
),

published as (
    {#- The model chosen on the selection window; BG/NBD when nothing was chosen. -#}
    select
        coalesce(max(case when is_production_model then model_name end), 'bg_nbd')
            as prediction_model_name
    from model_selection
),

final as (
    select
        customer_rfm.customer_id,
        customer_rfm.as_of_date,
        {{ positive_var('clv_horizon_days') }} as horizon_days,
        published.prediction_model_name,
        case
            when published.prediction_model_name = 'gradient_boosting'
                then predictions.learned_expected_purchases
            else predictions.expected_purchases
        end as expected_purchases,
        {#- BG/NBD's own predictive distribution; the learned model gives a mean only. -#}
        case
            when published.prediction_model_name = 'bg_nbd' then predictions.purchases_p10
        end as purchases_p10,
        case
            when published.prediction_model_name = 'bg_nbd' then predictions.purchases_p90
        end as purchases_p90,
        predictions.probability_alive,
        predictions.expected_average_spend_amount,
        case
            when published.prediction_model_name = 'gradient_boosting'
                then predictions.learned_expected_spend_amount
            else predictions.expected_purchases * predictions.expected_average_spend_amount
        end as expected_spend_amount,
        case
            when published.prediction_model_name = 'gradient_boosting'
                then predictions.learned_predicted_clv_amount
            else predictions.predicted_clv_amount
        end as predicted_clv_amount,
        predictions.expected_purchases as bg_nbd_expected_purchases,
        predictions.expected_purchases * predictions.expected_average_spend_amount
            as bg_nbd_expected_spend_amount,
        predictions.predicted_clv_amount as bg_nbd_predicted_clv_amount,
        coalesce(predictions.is_in_spend_model, false) as is_in_spend_model,
        summaries.frequency as repeat_frequency,
        summaries.recency_time_units,
        summaries.age_time_units,
        summaries.avg_repeat_spend_amount,
        {{ positive_var('clv_time_unit_days', whole_number=false) }} as time_unit_days
    from customer_rfm
    cross join published
    left join summaries
        on customer_rfm.customer_id = summaries.customer_id
    left join predictions
        on customer_rfm.customer_id = predictions.customer_id
)

select * from final

{#- The holdout test of the purchase model: fit on history before as_of_date - clv_holdout_days,
    predict the purchase days of each customer in the holdout, compare with what they did. -#}
with

clv_fit as (
    select * from {{ fitted_table('int_clv_fit') }}
),

summaries as (
    select * from {{ ref('int_clv_calibration_summaries') }}
    where fit_purpose = 'holdout_evaluation'
),

predicted_vs_actual as (
    select
        summaries.customer_id,
        summaries.calibration_end_date,
        summaries.holdout_time_units,
        clv_fit.expected_purchases as predicted_purchases,
        summaries.holdout_purchase_count as actual_purchases
    from summaries
    inner join clv_fit
        on
            summaries.customer_id = clv_fit.customer_id
            and clv_fit.row_kind = 'customer'
            and clv_fit.fit_purpose = 'holdout_evaluation'
    where clv_fit.expected_purchases is not null
),

deciles as (
    {# ntile is fine here: customers are ordered by prediction, then by id, so ties are stable. #}
    select
        *,
        ntile(10) over (order by predicted_purchases asc, customer_id asc) as predicted_decile
    from predicted_vs_actual
),

aggregated as (
    {# One pass for both grains: each decile, and all customers (the rollup total row). #}
    select
        predicted_decile,
        count(*) as customer_count,
        sum(predicted_purchases) as predicted_purchases_total,
        sum(actual_purchases) as actual_purchases_total,
        avg(predicted_purchases) as predicted_purchases_mean,
        avg(actual_purchases) as actual_purchases_mean,
        avg(abs(predicted_purchases - actual_purchases)) as mean_absolute_error,
        corr(predicted_purchases, actual_purchases) as purchase_correlation
    from deciles
    group by rollup(predicted_decile)
),

holdout as (
    select
        min(calibration_end_date) as calibration_end_date,
        min(holdout_time_units) as holdout_time_units
    from summaries
),

final as (
    select
        case
            when aggregated.predicted_decile is null then 'all'
            else 'decile ' || lpad(cast(aggregated.predicted_decile as {{ dbt.type_string() }}), 2, '0')
        end as evaluation_group,
        cast(aggregated.predicted_decile as integer) as predicted_decile,
        aggregated.customer_count,
        aggregated.predicted_purchases_total,
        aggregated.actual_purchases_total,
        aggregated.predicted_purchases_mean,
        aggregated.actual_purchases_mean,
        aggregated.mean_absolute_error,
        aggregated.purchase_correlation,
        holdout.calibration_end_date,
        {{ var('clv_holdout_days') }} as holdout_days
    from aggregated
    cross join holdout
)

select * from final

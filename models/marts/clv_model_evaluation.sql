{#- The holdout test of the purchase models: fitted on history before as_of_date -
    clv_holdout_days, each model's predictions of every customer's purchase days in the holdout
    against what they did, per model: overall and by decile of its own predictions. -#}
with

predictions as (
    select * from {{ ref('int_clv_holdout_predictions') }}
),

ranked as (
    {# Spearman's rank correlation is Pearson's on ranks, tied values sharing their mean rank.
       ntile is fine for deciles: customers are ordered by prediction, then by id, so ties are
       stable. #}
    select
        *,
        rank() over (partition by model_name order by predicted_purchases)
        + (count(*) over (partition by model_name, predicted_purchases) - 1) / 2.0
            as predicted_rank,
        rank() over (partition by model_name order by actual_purchases)
        + (count(*) over (partition by model_name, actual_purchases) - 1) / 2.0
            as actual_rank,
        ntile(10) over (
            partition by model_name order by predicted_purchases asc, customer_id asc
        ) as predicted_decile
    from predictions
),

aggregated as (
    {# One pass for both grains: each model's deciles, and each model over all customers. #}
    select
        model_name,
        predicted_decile,
        count(*) as customer_count,
        sum(predicted_purchases) as predicted_purchases_total,
        sum(actual_purchases) as actual_purchases_total,
        avg(predicted_purchases) as predicted_purchases_mean,
        avg(actual_purchases) as actual_purchases_mean,
        avg(abs(predicted_purchases - actual_purchases)) as mean_absolute_error,
        {# Undefined where either side is constant (a decile whose predictions are all 0):
           null, not the NaN some engines return. #}
        case
            when var_pop(predicted_purchases) > 0 and var_pop(actual_purchases) > 0
                then corr(predicted_purchases, actual_purchases)
        end as purchase_correlation,
        case
            when var_pop(predicted_rank) > 0 and var_pop(actual_rank) > 0
                then corr(predicted_rank, actual_rank)
        end as purchase_rank_correlation
    from ranked
    group by model_name, rollup(predicted_decile)
),

deciles_scored as (
    {# What a marketer choosing whom to invest in needs from a ranking: how much of the
       holdout's buying its top tenth held, and how far each decile's mean prediction was from
       what that decile did (relative to the mean customer). #}
    select
        deciles.model_name,
        sum(
            case when deciles.predicted_decile = 10 then deciles.actual_purchases_total else 0 end
        ) / nullif(max(overall.actual_purchases_total), 0) as top_decile_purchase_share,
        avg(abs(deciles.predicted_purchases_mean - deciles.actual_purchases_mean))
        / nullif(max(overall.actual_purchases_mean), 0) as decile_calibration_error
    from aggregated as deciles
    inner join aggregated as overall
        on
            deciles.model_name = overall.model_name
            and overall.predicted_decile is null
    where deciles.predicted_decile is not null
    group by deciles.model_name
),

holdout as (
    select min(calibration_end_date) as calibration_end_date
    from predictions
),

labelled as (
    select
        *,
        case
            when predicted_decile is null then 'all'
            else 'decile ' || lpad(cast(predicted_decile as {{ dbt.type_string() }}), 2, '0')
        end as evaluation_group
    from aggregated
),

final as (
    {#- Rounded to 9 decimals: parallel float sums differ in the last bits from run to run, and
        the same input must give the same mart. -#}
    select
        labelled.model_name,
        labelled.evaluation_group,
        cast(labelled.predicted_decile as integer) as predicted_decile,
        labelled.customer_count,
        round(labelled.predicted_purchases_total, 9) as predicted_purchases_total,
        labelled.actual_purchases_total,
        round(labelled.predicted_purchases_mean, 9) as predicted_purchases_mean,
        round(labelled.actual_purchases_mean, 9) as actual_purchases_mean,
        round(labelled.mean_absolute_error, 9) as mean_absolute_error,
        round(labelled.purchase_correlation, 9) as purchase_correlation,
        {# Measures of the whole ranking: on the model's `all` row only. #}
        case
            when labelled.predicted_decile is null
                then round(labelled.purchase_rank_correlation, 9)
        end as purchase_rank_correlation,
        case
            when labelled.predicted_decile is null
                then round(deciles_scored.top_decile_purchase_share, 9)
        end as top_decile_purchase_share,
        case
            when labelled.predicted_decile is null
                then round(deciles_scored.decile_calibration_error, 9)
        end as decile_calibration_error,
        holdout.calibration_end_date,
        {{ var('clv_holdout_days') }} as holdout_days
    from labelled
    left join deciles_scored on labelled.model_name = deciles_scored.model_name
    cross join holdout
)

select * from final

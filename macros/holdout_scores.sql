{#- The CTEs that score one kind of holdout prediction (purchase days, or spend) for every
    model, shared by clv_model_evaluation, clv_spend_evaluation and int_clv_model_selection so
    every score is measured alike. `predictions` names a CTE at int_clv_holdout_predictions'
    grain (one row per model and customer); `predicted` and `actual` name the two columns to
    compare, and rows whose model made no such prediction are left out. The CTEs are named
    `prefix`_..., and the last, `prefix`_scores, has one row per model for all customers
    (predicted_decile null, with the measures of the whole ranking) and one per decile of that
    model's predictions, each with the holdout's cut-off and length in days. `interval`, a pair
    of columns (low, high), adds the share of customers whose actual value fell within their
    predictive interval (null for models that give none). -#}
{% macro holdout_scores_ctes(
    predictions, predicted, actual, prefix='holdout', holdout_days=none, interval=none
) %}
{%- set holdout_days = positive_var('clv_holdout_days') if holdout_days is none else holdout_days -%}
{{ prefix }}_values as (
    select
        model_name,
        customer_id,
        calibration_end_date,
        {{ predicted }} as predicted_value,
        {{ actual }} as actual_value,
        {%- if interval %}
        case
            when {{ interval[0] }} is not null
                then {{ actual }} between {{ interval[0] }} and {{ interval[1] }}
        end as is_within_interval
        {%- else %}
        cast(null as boolean) as is_within_interval
        {%- endif %}
    from {{ predictions }}
    where {{ predicted }} is not null
),

{{ prefix }}_ranked as (
    {# Spearman's rank correlation is Pearson's on ranks, tied values sharing their mean rank.
       ntile is fine for deciles: customers are ordered by prediction, then by id, so ties are
       stable. #}
    select
        *,
        rank() over (partition by model_name order by predicted_value)
        + (count(*) over (partition by model_name, predicted_value) - 1) / 2.0
            as predicted_rank,
        rank() over (partition by model_name order by actual_value)
        + (count(*) over (partition by model_name, actual_value) - 1) / 2.0
            as actual_rank,
        ntile(10) over (
            partition by model_name order by predicted_value asc, customer_id asc
        ) as predicted_decile
    from {{ prefix }}_values
),

{{ prefix }}_aggregated as (
    {# One pass for both grains: each model's deciles, and each model over all customers. #}
    select
        model_name,
        predicted_decile,
        count(*) as customer_count,
        sum(predicted_value) as predicted_total,
        sum(actual_value) as actual_total,
        avg(predicted_value) as predicted_mean,
        avg(actual_value) as actual_mean,
        avg(abs(predicted_value - actual_value)) as mean_absolute_error,
        {# An average of whole numbers is a double on every engine (Spark takes 1.0 for a
           decimal). #}
        avg(cast(is_within_interval as integer)) as interval_coverage,
        {# Undefined where either side is constant (a decile whose predictions are all 0):
           null, not the NaN some engines return. #}
        case
            when var_pop(predicted_value) > 0 and var_pop(actual_value) > 0
                then corr(predicted_value, actual_value)
        end as value_correlation,
        case
            when var_pop(predicted_rank) > 0 and var_pop(actual_rank) > 0
                then corr(predicted_rank, actual_rank)
        end as rank_correlation
    from {{ prefix }}_ranked
    group by model_name, rollup(predicted_decile)
),

{{ prefix }}_deciles_scored as (
    {# What a marketer choosing whom to invest in needs from a ranking: how much of the
       holdout's total its top tenth held, and how far each decile's mean prediction was from
       what that decile did (relative to the mean customer). #}
    select
        deciles.model_name,
        sum(
            case when deciles.predicted_decile = 10 then deciles.actual_total else 0 end
        ) / nullif(max(overall.actual_total), 0) as top_decile_share,
        avg(abs(deciles.predicted_mean - deciles.actual_mean))
        / nullif(max(overall.actual_mean), 0) as decile_calibration_error
    from {{ prefix }}_aggregated as deciles
    inner join {{ prefix }}_aggregated as overall
        on
            deciles.model_name = overall.model_name
            and overall.predicted_decile is null
    where deciles.predicted_decile is not null
    group by deciles.model_name
),

{{ prefix }}_cut_off as (
    select min(calibration_end_date) as calibration_end_date
    from {{ prefix }}_values
),

{{ prefix }}_scores as (
    {#- Rounded to 9 decimals: parallel float sums differ in the last bits from run to run, and
        the same input must give the same mart (actual_total is left as summed: a count of
        purchase days is exact, and the spend mart rounds its own). The measures of the whole
        ranking are on each model's overall row only. -#}
    select
        aggregated.model_name,
        case
            when aggregated.predicted_decile is null then 'all'
            else 'decile ' || lpad(
                cast(aggregated.predicted_decile as {{ dbt.type_string() }}), 2, '0'
            )
        end as evaluation_group,
        cast(aggregated.predicted_decile as integer) as predicted_decile,
        aggregated.customer_count,
        round(aggregated.predicted_total, 9) as predicted_total,
        aggregated.actual_total,
        round(aggregated.predicted_mean, 9) as predicted_mean,
        round(aggregated.actual_mean, 9) as actual_mean,
        round(aggregated.mean_absolute_error, 9) as mean_absolute_error,
        round(aggregated.interval_coverage, 9) as interval_coverage,
        round(aggregated.value_correlation, 9) as value_correlation,
        case
            when aggregated.predicted_decile is null
                then round(aggregated.rank_correlation, 9)
        end as rank_correlation,
        case
            when aggregated.predicted_decile is null
                then round(deciles_scored.top_decile_share, 9)
        end as top_decile_share,
        case
            when aggregated.predicted_decile is null
                then round(deciles_scored.decile_calibration_error, 9)
        end as decile_calibration_error,
        cut_off.calibration_end_date,
        {{ holdout_days }} as holdout_days
    from {{ prefix }}_aggregated as aggregated
    left join {{ prefix }}_deciles_scored as deciles_scored
        on aggregated.model_name = deciles_scored.model_name
    cross join {{ prefix }}_cut_off as cut_off
)
{%- endmacro %}

{#- Which model's predictions customer_predicted_value publishes, decided on the selection
    window only (history before the evaluation's calibration end - clv_selection_holdout_days,
    the clv_selection_holdout_days after it held out), so the holdout that clv_model_evaluation
    reports never took part. The learned model replaces BG/NBD only if, for purchase days and
    for spend alike, it ranks customers better (Spearman) and its mean absolute error and decile
    calibration error are no worse; otherwise BG/NBD stands, unless it could not be fitted for
    production, where a fitted learned model stands in. One row per candidate. -#}
with

holdout_predictions as (
    select * from {{ ref('int_clv_holdout_predictions') }}
    where
        fit_purpose = 'selection'
        and model_name in ('bg_nbd', 'gradient_boosting')
),

fit_parameters as (
    select * from {{ fitted_table('int_clv_fit') }}
    where row_kind = 'parameters'
),

{{ holdout_scores_ctes(
    'holdout_predictions', 'predicted_purchases', 'actual_purchases',
    'purchase', positive_var('clv_selection_holdout_days')
) }},

{{ holdout_scores_ctes(
    'holdout_predictions', 'predicted_spend_amount', 'actual_spend_amount',
    'spend', positive_var('clv_selection_holdout_days')
) }},

candidates as (
    {#- Each candidate's fit on the selection window and for production: a model is published
        only where it predicts. -#}
    select
        model_name,
        max(case when fit_purpose = 'selection' then fit_status end) as selection_fit_status,
        max(case when fit_purpose = 'selection' then status_reason end) as selection_fit_reason,
        max(case when fit_purpose = 'production' then fit_status end) as production_fit_status,
        max(case when fit_purpose = 'production' then status_reason end) as production_fit_reason
    from fit_parameters
    where model_name in ('bg_nbd', 'gradient_boosting')
    group by model_name
),

scored as (
    select
        candidates.model_name,
        candidates.selection_fit_status,
        candidates.selection_fit_reason,
        candidates.production_fit_status,
        candidates.production_fit_reason,
        purchase_scores.customer_count,
        purchase_scores.calibration_end_date,
        purchase_scores.rank_correlation as purchase_rank_correlation,
        purchase_scores.mean_absolute_error,
        purchase_scores.decile_calibration_error,
        spend_scores.rank_correlation as spend_rank_correlation,
        spend_scores.mean_absolute_error as spend_mean_absolute_error_amount,
        spend_scores.decile_calibration_error as spend_decile_calibration_error
    from candidates
    left join purchase_scores
        on
            candidates.model_name = purchase_scores.model_name
            and purchase_scores.predicted_decile is null
    left join spend_scores
        on
            candidates.model_name = spend_scores.model_name
            and spend_scores.predicted_decile is null
),

compared as (
    {#- The learned model against BG/NBD, each condition true, false, or null where one side
        made no such prediction. Spend is compared only where both predict it. -#}
    select
        learned.purchase_rank_correlation > bg_nbd.purchase_rank_correlation
            as ranks_purchases_better,
        learned.mean_absolute_error <= bg_nbd.mean_absolute_error as purchase_error_no_worse,
        learned.decile_calibration_error <= bg_nbd.decile_calibration_error
            as purchase_calibration_no_worse,
        coalesce(learned.spend_rank_correlation > bg_nbd.spend_rank_correlation, true)
            as ranks_spend_better,
        coalesce(
            learned.spend_mean_absolute_error_amount <= bg_nbd.spend_mean_absolute_error_amount,
            true
        ) as spend_error_no_worse,
        coalesce(
            learned.spend_decile_calibration_error <= bg_nbd.spend_decile_calibration_error, true
        ) as spend_calibration_no_worse,
        learned.customer_count is not null as learned_predicted,
        bg_nbd.customer_count is not null as bg_nbd_predicted,
        learned.production_fit_status = 'fitted' as learned_in_production,
        bg_nbd.production_fit_status = 'fitted' as bg_nbd_in_production,
        bg_nbd.production_fit_reason as bg_nbd_production_fit_reason,
        learned.selection_fit_reason as learned_fit_reason,
        {%- for measure in ['purchase_rank_correlation', 'mean_absolute_error',
            'decile_calibration_error', 'spend_rank_correlation',
            'spend_mean_absolute_error_amount', 'spend_decile_calibration_error'] %}
        cast(round(learned.{{ measure }}, 3) as {{ dbt.type_string() }}) as learned_{{ measure }},
        cast(round(bg_nbd.{{ measure }}, 3) as {{ dbt.type_string() }}) as bg_nbd_{{ measure }},
        {%- endfor %}
        cast(
            coalesce(learned.calibration_end_date, bg_nbd.calibration_end_date)
            as {{ dbt.type_string() }}
        ) as selection_calibration_end,
        cast(
            coalesce(bg_nbd.customer_count, learned.customer_count) as {{ dbt.type_string() }}
        ) as selection_customer_count
    from scored as learned
    cross join scored as bg_nbd
    where learned.model_name = 'gradient_boosting' and bg_nbd.model_name = 'bg_nbd'
),

decided as (
    select
        *,
        {#- Where BG/NBD could not be fitted for production it has nothing to publish: a fitted
            learned model then stands in without the comparison, rather than no prediction. -#}
        coalesce(
            learned_predicted and bg_nbd_predicted and learned_in_production
            and ranks_purchases_better and purchase_error_no_worse
            and purchase_calibration_no_worse and ranks_spend_better
            and spend_error_no_worse and spend_calibration_no_worse,
            false
        )
        or coalesce(learned_in_production and not bg_nbd_in_production, false)
            as is_learned_published
    from compared
),

explained as (
    select
        is_learned_published,
        case
            when is_learned_published and not bg_nbd_in_production
                then
                    'gradient boosting is published without a comparison: BG/NBD could not be '
                    || 'fitted for production (' || coalesce(bg_nbd_production_fit_reason, 'no fit')
                    || '), so it has no prediction to publish'
            when not learned_predicted
                then
                    'BG/NBD stands: the learned model made no predictions on the selection '
                    || 'window (' || coalesce(learned_fit_reason, 'not fitted') || ')'
            when not bg_nbd_predicted
                then
                    'BG/NBD stands: it made no predictions on the selection window, so the '
                    || 'learned model could not be compared with it'
            else
                case
                    when is_learned_published then 'gradient boosting is published: '
                    when not learned_in_production
                        then
                            'BG/NBD stands: the learned model could not be fitted for '
                            || 'production; '
                    else 'BG/NBD stands: '
                end
                || 'on the selection window (history before ' || selection_calibration_end
                || ', the next {{ var("clv_selection_holdout_days") }} days held out; '
                || selection_customer_count || ' customers), gradient boosting against BG/NBD: '
                || 'purchases Spearman ' || learned_purchase_rank_correlation
                || ' vs ' || bg_nbd_purchase_rank_correlation
                || ', MAE ' || learned_mean_absolute_error || ' vs ' || bg_nbd_mean_absolute_error
                || ', decile calibration error ' || learned_decile_calibration_error
                || ' vs ' || bg_nbd_decile_calibration_error
                || coalesce(
                    '; spend Spearman ' || learned_spend_rank_correlation || ' vs '
                    || bg_nbd_spend_rank_correlation
                    || ', MAE ' || learned_spend_mean_absolute_error_amount || ' vs '
                    || bg_nbd_spend_mean_absolute_error_amount
                    || ', decile calibration error ' || learned_spend_decile_calibration_error
                    || ' vs ' || bg_nbd_spend_decile_calibration_error,
                    '; spend not compared (BG/NBD has no spend prediction)'
                )
                || case
                    when is_learned_published then ''
                    else '. It must rank better and err no more on both to replace BG/NBD'
                end
        end as selection_reason
    from decided
),

final as (
    select
        scored.model_name,
        scored.customer_count,
        scored.calibration_end_date,
        scored.purchase_rank_correlation,
        scored.mean_absolute_error,
        scored.decile_calibration_error,
        scored.spend_rank_correlation,
        scored.spend_mean_absolute_error_amount,
        scored.spend_decile_calibration_error,
        case scored.model_name
            when 'gradient_boosting' then explained.is_learned_published
            else not explained.is_learned_published
        end as is_production_model,
        explained.selection_reason
    from scored
    cross join explained
)

select * from final

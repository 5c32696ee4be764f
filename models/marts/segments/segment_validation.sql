{#- Distinct, stable, actionable: one row per segment and one overall row. Thresholds come
    from the fit's own settings (meta.segmentation), so the flags and the fit agree. -#}
with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customer_engagement as (
    select * from {{ ref('customer_engagement') }}
),

cluster_k_selection as (
    select * from {{ ref('cluster_k_selection') }}
),

segment_feature_tests as (
    select * from {{ ref('segment_feature_tests') }}
),

run as (
    select
        cast({{ json_text('settings', 'min_segment_share') }} as double) as min_segment_share,
        cast({{ json_text('settings', 'min_segment_jaccard') }} as double) as min_segment_jaccard,
        cast({{ json_text('settings', 'min_bootstrap_ari') }} as double) as min_bootstrap_ari,
        segment_mode = 'assign' as is_assigned,
        fitted_as_of_date,
        silhouette_score,
        bootstrap_ari_mean,
        bootstrap_ari_min
    from segmentation_fit
    where row_kind = 'run'
),

fit_segments as (
    select
        cast(segment_id as integer) as segment_id,
        segment_silhouette_score,
        cast(nearest_segment_id as integer) as nearest_segment_id,
        nearest_centroid_distance,
        bootstrap_jaccard_mean,
        bootstrap_jaccard_min
    from segmentation_fit
    where row_kind = 'segment'
),

chosen_k as (
    select
        k as chosen_k,
        has_cluster_structure,
        failed_checks
    from cluster_k_selection
    where is_chosen
),

rule_k as (
    {#- The k the rule picks: the same row as chosen_k unless the var segment_count set k. #}
    select
        k as rule_chosen_k,
        silhouette_score as rule_silhouette_score,
        prediction_strength as rule_prediction_strength,
        smallest_segment_share as rule_smallest_segment_share
    from cluster_k_selection
    where is_rule_choice
),

key_feature_tests as (
    select
        min(epsilon_squared) as min_key_feature_epsilon_squared,
        max(kruskal_p_value) as max_key_feature_p_value,
        count(*) filter (where not segments_differ) as key_features_not_differing,
        {{ ordered_string_agg('feature_name', ', ', 'feature_name') }} filter (where not segments_differ)
            as key_features_not_differing_list
    from segment_feature_tests
    where is_key_feature
),

members as (
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_rfm.monetary_amount,
        customer_engagement.email_sent_count,
        customer_engagement.marketing_conversion_count,
        customer_engagement.campaign_response_rate
    from customer_segments
    inner join customer_rfm
        on customer_segments.customer_id = customer_rfm.customer_id
    left join customer_engagement
        on customer_segments.customer_id = customer_engagement.customer_id
),

segment_figures as (
    select
        segment_id,
        any_value(segment_name) as segment_name,
        count(*) as customer_count,
        sum(monetary_amount) as monetary_amount,
        {# Among members marketing reached; null when the marketing events file is absent. #}
        count(*) filter (where email_sent_count > 0) as reached_customer_count,
        count(*) filter (where email_sent_count > 0 and marketing_conversion_count > 0)
            as converted_customer_count,
        {# Formats of customer-level aggregates give each customer's campaign response rate. #}
        avg(cast(campaign_response_rate as decimal(38, 12))) as avg_campaign_response_rate
    from members
    group by segment_id
),

segment_rows as (
    select
        'segment' as validation_scope,
        segment_figures.segment_id,
        segment_figures.segment_name,
        segment_figures.customer_count,
        segment_figures.customer_count / sum(segment_figures.customer_count) over () as customer_share,
        segment_figures.monetary_amount / nullif(sum(segment_figures.monetary_amount) over (), 0)
            as revenue_share,
        coalesce(
            segment_figures.converted_customer_count / nullif(segment_figures.reached_customer_count, 0),
            segment_figures.avg_campaign_response_rate
        ) as campaign_conversion_rate,
        fit_segments.segment_silhouette_score as silhouette_score,
        fit_segments.nearest_segment_id,
        fit_segments.nearest_centroid_distance,
        cast(null as double) as min_key_feature_epsilon_squared,
        cast(null as double) as max_key_feature_p_value,
        cast(null as string) as not_differing_key_features,
        fit_segments.bootstrap_jaccard_mean,
        fit_segments.bootstrap_jaccard_min,
        cast(null as double) as bootstrap_ari_mean,
        cast(null as double) as bootstrap_ari_min,
        cast(null as integer) as chosen_k,
        cast(null as integer) as rule_chosen_k,
        cast(null as string) as segment_count_cost,
        {# Assign mode reuses a fit without re-measuring it: null = not measured this run. #}
        case
            when not run.is_assigned then coalesce(fit_segments.segment_silhouette_score > 0, false)
        end as is_distinct,
        case
            when not run.is_assigned
                then coalesce(fit_segments.bootstrap_jaccard_mean >= run.min_segment_jaccard, false)
        end as is_stable,
        segment_figures.customer_count / sum(segment_figures.customer_count) over ()
        >= run.min_segment_share as is_targetable_size
    from segment_figures
    cross join run
    left join fit_segments
        on segment_figures.segment_id = fit_segments.segment_id
),

overall_row as (
    select
        'overall' as validation_scope,
        cast(null as integer) as segment_id,
        'All segments' as segment_name,
        {# With no scored customer (only guests or returns) there is no segment: 0, not null. #}
        cast(coalesce(sum(segment_rows.customer_count), 0) as bigint) as customer_count,
        1.0 as customer_share,
        1.0 as revenue_share,
        coalesce(
            sum(segment_figures.converted_customer_count) / nullif(sum(segment_figures.reached_customer_count), 0),
            sum(segment_figures.avg_campaign_response_rate * segment_figures.customer_count)
            / sum(segment_figures.customer_count)
        ) as campaign_conversion_rate,
        any_value(run.silhouette_score) as silhouette_score,
        cast(null as integer) as nearest_segment_id,
        min(segment_rows.nearest_centroid_distance) as nearest_centroid_distance,
        any_value(key_feature_tests.min_key_feature_epsilon_squared) as min_key_feature_epsilon_squared,
        any_value(key_feature_tests.max_key_feature_p_value) as max_key_feature_p_value,
        any_value(key_feature_tests.key_features_not_differing_list) as not_differing_key_features,
        min(segment_rows.bootstrap_jaccard_mean) as bootstrap_jaccard_mean,
        min(segment_rows.bootstrap_jaccard_min) as bootstrap_jaccard_min,
        any_value(run.bootstrap_ari_mean) as bootstrap_ari_mean,
        any_value(run.bootstrap_ari_min) as bootstrap_ari_min,
        any_value(chosen_k.chosen_k) as chosen_k,
        any_value(rule_k.rule_chosen_k) as rule_chosen_k,
        case
            when any_value(chosen_k.chosen_k) <> any_value(rule_k.rule_chosen_k)
                then
                    'k=' || any_value(chosen_k.chosen_k) || ' set by the var segment_count ('
                    || coalesce(any_value(chosen_k.failed_checks), 'it passes every check')
                    || '); the rule''s k=' || any_value(rule_k.rule_chosen_k) || ' has silhouette '
                    || cast(round(any_value(rule_k.rule_silhouette_score), 3) as string)
                    || ' against ' || cast(round(any_value(run.silhouette_score), 3) as string)
                    || ', prediction strength '
                    || cast(round(any_value(rule_k.rule_prediction_strength), 2) as string)
                    || ', smallest segment '
                    || cast(round(100 * any_value(rule_k.rule_smallest_segment_share), 1) as string)
                    || '%'
        end as segment_count_cost,
        case
            when not any_value(run.is_assigned)
                then coalesce(
                    any_value(chosen_k.has_cluster_structure)
                    and any_value(key_feature_tests.key_features_not_differing) = 0,
                    false
                )
        end as is_distinct,
        case
            when not any_value(run.is_assigned)
                then coalesce(any_value(run.bootstrap_ari_mean) >= any_value(run.min_bootstrap_ari), false)
        end as is_stable,
        coalesce(bool_and(segment_rows.is_targetable_size), false) as is_targetable_size
    from segment_rows
    inner join segment_figures
        on segment_rows.segment_id = segment_figures.segment_id
    cross join run
    cross join chosen_k
    left join rule_k
        on true
    cross join key_feature_tests
),

unioned as (
    select * from segment_rows
    union all
    select * from overall_row
),

final as (
    select
        coalesce(cast(segment_id as string), 'overall') as validation_key,
        *,
        coalesce(is_distinct, true) and coalesce(is_stable, true) and is_targetable_size as passes_validation,
        nullif(concat_ws(
            '; ',
            case
                when is_distinct is null
                    then 'distinctness and stability not re-measured: segments assigned to the stored fit'
            end,
            case
                when not is_distinct then
                    case
                        when validation_scope = 'segment'
                            then 'members sit closer to other segments than to their own (silhouette <= 0)'
                        when not_differing_key_features is not null
                            then 'key feature(s) not different between segments: ' || not_differing_key_features
                        else 'no clear cluster structure (silhouette does not beat a single population)'
                    end
            end,
            case
                when not is_stable then
                    case
                        when validation_scope = 'segment'
                            then 'does not come back reliably when refitted on resampled customers'
                        else 'the partition changes when refitted on resampled customers'
                    end
            end,
            case when not is_targetable_size then 'too small to target on its own' end,
            segment_count_cost
        ), '') as validation_notes
    from unioned
)

select * from final

with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

k_candidates as (
    select
        cast(k as integer) as k,
        inertia,
        silhouette_score,
        reference_silhouette_score,
        calinski_harabasz_score,
        davies_bouldin_score,
        smallest_segment_share,
        prediction_strength,
        prediction_strength_standard_error,
        bootstrap_ari_mean,
        bootstrap_ari_min,
        feature_weight_bound,
        weight_gap_statistic,
        coalesce(is_elbow, false) as is_elbow,
        coalesce(has_cluster_structure, false) as has_cluster_structure,
        coalesce(is_stable, false) as is_stable,
        coalesce(is_targetable_size, false) as is_targetable_size,
        coalesce(passes_checks, false) as passes_checks,
        failed_checks,
        coalesce(is_rule_choice, false) as is_rule_choice,
        coalesce(is_chosen, false) as is_chosen,
        selection_reason,
        fit_customer_count,
        silhouette_sample_size,
        stability_sample_size,
        stability_resamples
    from segmentation_fit
    where row_kind = 'k_candidate'
)

select * from k_candidates

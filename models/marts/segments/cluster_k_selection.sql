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
        bootstrap_ari_mean,
        bootstrap_ari_min,
        coalesce(is_elbow, false) as is_elbow,
        coalesce(has_cluster_structure, false) as has_cluster_structure,
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

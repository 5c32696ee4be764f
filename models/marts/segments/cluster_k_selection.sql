with

segmentation_fit as (
    select * from {{ ref('int_segmentation_fit') }}
),

k_candidates as (
    select
        cast(k as integer) as k,
        inertia,
        silhouette_score,
        calinski_harabasz_score,
        davies_bouldin_score,
        smallest_segment_share,
        coalesce(is_chosen, false) as is_chosen,
        selection_reason,
        fit_customer_count,
        silhouette_sample_size
    from segmentation_fit
    where row_kind = 'k_candidate'
)

select * from k_candidates

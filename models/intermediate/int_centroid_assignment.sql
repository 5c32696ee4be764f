{#- Every scored customer assigned, in SQL, to the centroids of the reference run
    (int_reference_centroids). Empty when there is no stored run to compare with. -#}
with

reference_centroids as (
    select * from {{ ref('int_reference_centroids') }}
),

feature_values as (
    {{ unpivot_columns(ref('customer_features'), ['customer_id'], exclude=['as_of_date']) }}
),

reference_segments as (
    select distinct
        segment_id,
        segment_name,
        segment_archetype,
        reference_as_of_date,
        fitted_as_of_date
    from reference_centroids
),

assignment as (
    {{ assign_to_centroids('feature_values', 'reference_centroids') }}
),

final as (
    select
        assignment.customer_id,
        assignment.segment_id,
        reference_segments.segment_name,
        reference_segments.segment_archetype,
        assignment.distance_to_centroid,
        reference_segments.reference_as_of_date,
        reference_segments.fitted_as_of_date
    from assignment
    inner join reference_segments
        on assignment.segment_id = reference_segments.segment_id
)

select * from final

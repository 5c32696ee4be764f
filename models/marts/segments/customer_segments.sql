{#- A thin SQL model over the Python fit, so the segment columns carry an enforced contract. -#}
with

segmentation_fit as (
    select * from {{ ref('int_segmentation_fit') }}
),

customer_segments as (
    select
        cast(customer_id as varchar) as customer_id,
        cast(segment_id as integer) as segment_id,
        cast(segment_name as varchar) as segment_name,
        cast(distance_to_centroid as double) as distance_to_centroid
    from segmentation_fit
    where row_kind = 'customer'
)

select * from customer_segments

{#- A thin SQL model over the Python fit, so the segment columns carry an enforced contract. -#}
with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

as_of_date as (
    select * from {{ ref('int_as_of_date') }}
),

customer_segments as (
    select
        cast(segmentation_fit.customer_id as string) as customer_id,
        as_of_date.as_of_date,
        cast(segmentation_fit.segment_id as integer) as segment_id,
        cast(segmentation_fit.segment_name as string) as segment_name,
        cast(segmentation_fit.segment_archetype as string) as segment_archetype,
        cast(segmentation_fit.distance_to_centroid as double) as distance_to_centroid
    from segmentation_fit
    cross join as_of_date
    where segmentation_fit.row_kind = 'customer'
)

select * from customer_segments

{#- History: the centroids of every as-of date ever built, with the transform, fences, scaler,
    feature weights and assignment rule that put a customer in the same place, so a later run
    can match its segments to these and an assignment in SQL can reuse them. Same retention
    rules as segmentation_runs. -#}
{{ segment_history_config() }}

with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

runs as (
    select cast(as_of_date as date) as as_of_date
    from segmentation_fit
    where row_kind = 'run'
),

centroids as (
    select * from segmentation_fit
    where row_kind = 'centroid'
),

segments as (
    select
        segment_id,
        segment_archetype
    from segmentation_fit
    where row_kind = 'segment'
),

features as (
    select * from segmentation_fit
    where row_kind = 'feature'
),

final as (
    select
        runs.as_of_date,
        cast(centroids.segment_id as integer) as segment_id,
        centroids.segment_name,
        segments.segment_archetype,
        centroids.feature_name,
        centroids.centroid_z_score,
        centroids.centroid_value,
        features.is_log_transformed,
        features.impute_value,
        features.clip_lower_value,
        features.clip_upper_value,
        features.scaler_mean,
        features.scaler_scale,
        features.feature_weight,
        centroids.discriminant_coefficient,
        centroids.discriminant_intercept
    from centroids
    cross join runs
    inner join segments
        on centroids.segment_id = segments.segment_id
    inner join features
        on centroids.feature_name = features.feature_name
)

select * from final

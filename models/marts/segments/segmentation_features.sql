with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

features as (
    select
        feature_name,
        coalesce(is_feature_used, false) as is_feature_used,
        feature_drop_reason,
        coalesce(is_log_transformed, false) as is_log_transformed,
        null_share,
        impute_value,
        clip_lower_value,
        clip_upper_value,
        coalesce(clipped_customer_count, 0) as clipped_customer_count,
        coalesce(clipped_customer_share, 0) as clipped_customer_share,
        feature_weight,
        between_segment_variance_share,
        scaler_mean,
        scaler_scale
    from segmentation_fit
    where row_kind = 'feature'
)

select * from features

{#- Is the stored model stale? This build's customers against the reference run's centroids
    (int_reference_centroids: the run reused in assign mode, the previous run in fit mode).
    One row, or none when there is no earlier run. -#}
with

assignment as (
    select * from {{ ref('int_centroid_assignment') }}
),

reference_centroids as (
    select * from {{ ref('int_reference_centroids') }}
),

feature_values as (
    {{ unpivot_columns(ref('customer_features'), ['customer_id'], exclude=['as_of_date']) }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

run_features as (
    select distinct
        feature_name,
        is_log_transformed,
        impute_value,
        clip_lower_value,
        clip_upper_value,
        scaler_mean,
        scaler_scale,
        feature_weight
    from reference_centroids
),

feature_shift as (
    {# At the fit every standardised feature has mean 0: the mean now is how far it moved. #}
    select
        run_features.feature_name,
        any_value(run_features.feature_weight) as feature_weight,
        avg({{ standardised_feature('feature_values.feature_value', 'run_features') }}) as mean_shift
    from feature_values
    inner join run_features
        on feature_values.feature_name = run_features.feature_name
    group by run_features.feature_name
),

reference as (
    select distinct
        reference_as_of_date,
        fitted_as_of_date,
        distance_p95
    from reference_centroids
),

distance_summary as (
    select
        count(*) as assigned_customer_count,
        count(*) filter (
            where assignment.distance_to_centroid > reference.distance_p95
        ) as far_customer_count
    from assignment
    cross join reference
),

shift_summary as (
    {# Only features that shape the segments (weight above 0) can make them stale. #}
    select
        max(abs(mean_shift)) as max_feature_mean_shift,
        {{ ordered_string_agg('feature_name', ', ', 'abs(mean_shift) desc') }} filter (
            where abs(mean_shift) > {{ var('drift_max_mean_shift') }}
        ) as drifted_features
    from feature_shift
    where feature_weight > 0
),

final as (
    select
        as_of.as_of_date,
        reference.reference_as_of_date,
        reference.fitted_as_of_date,
        distance_summary.assigned_customer_count,
        round(
            distance_summary.far_customer_count / nullif(distance_summary.assigned_customer_count, 0), 9
        ) as far_from_centroids_share,
        round(shift_summary.max_feature_mean_shift, 9) as max_feature_mean_shift,
        shift_summary.drifted_features,
        coalesce(
            distance_summary.far_customer_count / nullif(distance_summary.assigned_customer_count, 0)
            > {{ var('drift_max_far_share') }}
            or shift_summary.max_feature_mean_shift > {{ var('drift_max_mean_shift') }},
            false
        ) as is_stale
    from reference
    cross join as_of
    cross join distance_summary
    cross join shift_summary
)

select * from final

{% macro assign_to_centroids(feature_values, centroids) %}
    {#- Nearest-centroid assignment in SQL, the same arithmetic as the Python fit's predict:
        each feature is clipped to the run's fences and signed-log1p transformed when the run
        did so, a missing value takes the run's imputed value, it is standardised with the
        run's scaler, and the customer goes to the centroid at the smallest distance weighted
        by the run's feature weights (ties to the lower segment id).
        feature_values: (customer_id, feature_name, feature_value) rows;
        centroids: segment_centroids rows of one run. Returns customer_id, segment_id,
        distance_to_centroid. -#}
    with

    run_features as (
        select distinct
            feature_name,
            is_log_transformed,
            impute_value,
            clip_lower_value,
            clip_upper_value,
            scaler_mean,
            scaler_scale
        from {{ centroids }}
    ),

    standardised as (
        select
            values.customer_id,
            run_features.feature_name,
            {{ standardised_feature('values.feature_value', 'run_features') }} as z_score
        from {{ feature_values }} as values
        inner join run_features
            on values.feature_name = run_features.feature_name
    ),

    distances as (
        select
            standardised.customer_id,
            centroids.segment_id,
            sqrt(sum(
                centroids.feature_weight * power(standardised.z_score - centroids.centroid_z_score, 2)
            )) as distance,
            sum(centroids.discriminant_coefficient * standardised.z_score)
            + any_value(centroids.discriminant_intercept) as discriminant_score
        from standardised
        inner join {{ centroids }} as centroids
            on standardised.feature_name = centroids.feature_name
        group by standardised.customer_id, centroids.segment_id
    )

    {#- A run has a rule for every segment or for none: one ordering per run. #}
    {%- set assignment_rank = 'coalesce(-discriminant_score, distance)' %}
    select
        customer_id,
        {{ arg_min_lexicographic('segment_id', [assignment_rank, 'segment_id']) }} as segment_id,
        {{ arg_min_lexicographic('distance', [assignment_rank, 'segment_id']) }} as distance_to_centroid
    from distances
    group by customer_id
{% endmacro %}

{% macro standardised_feature(value, run_feature) %}
    {#- A raw feature value in a stored run's standardised units, as the fit computed it:
        clipped to the run's fences (none stored: not clipped), signed log1p when the run
        log-transformed the feature, the run's imputed value when missing, then
        (value - scaler_mean) / scaler_scale. The fences are in the feature's own units, so
        clipping before the transform equals the fit's clipping after it. -#}
    {%- set clipped -%}
        least(
            greatest({{ value }}, coalesce({{ run_feature }}.clip_lower_value, {{ value }})),
            coalesce({{ run_feature }}.clip_upper_value, {{ value }})
        )
    {%- endset %}
    (
        coalesce(
            case
                when {{ run_feature }}.is_log_transformed
                    then sign({{ clipped }}) * ln(1 + abs({{ clipped }}))
                else {{ clipped }}
            end,
            {{ run_feature }}.impute_value
        ) - {{ run_feature }}.scaler_mean
    ) / {{ run_feature }}.scaler_scale
{%- endmacro %}

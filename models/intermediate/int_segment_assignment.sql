{#- segment_mode = assign: the SQL twin of int_segmentation_fit. No K-means refit: customers go
    to the nearest stored centroid (int_centroid_assignment), and the run, its centroids and its
    features are carried over from the reference run, so every segment mart and the history
    read the same long table as after a fit. Measures only a fit produces (silhouettes,
    bootstrap stability, tests, rules) are absent: the marts show them as not measured. -#}
{{ config(enabled=(var('segment_mode', 'fit') == 'assign')) }}

with

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

assignment as (
    select * from {{ ref('int_centroid_assignment') }}
),

reference_centroids as (
    select * from {{ ref('int_reference_centroids') }}
),

reference_run as (
    select distinct
        reference_as_of_date,
        fitted_as_of_date,
        k,
        seed,
        feature_list,
        scaler_parameters,
        settings,
        highest_segment_id,
        distance_p95,
        method_version
    from reference_centroids
),

reference_run_count as (
    select count(*) as reference_run_count
    from reference_run
),

checked_reference as (
    {#- Assigning needs a stored fit: say so instead of building empty segments. The check is a
        filter, not a column, because engines drop an unread column without evaluating it. #}
    select reference_run.*
    from reference_run_count
    left join reference_run
        on true
    where
        case
            when reference_run_count.reference_run_count = 0
                then {{ fail_query(
                    "'segment_mode=assign needs a stored fit on or before as_of_date:"
                    ~ " run a build with segment_mode=fit first'") }}
            else true
        end
),

{# Each row kind fills its own columns of the fit's long table; segmentation_fit_row() types
    them and nulls the rest, so the kinds stack with a plain union all. #}
customers as (
    select
        {{- segmentation_fit_row({
            'fit_row_id': "'customer|' || customer_id",
            'row_kind': "'customer'",
            'customer_id': 'customer_id',
            'segment_id': 'segment_id',
            'segment_name': 'segment_name',
            'segment_archetype': 'segment_archetype',
            'distance_to_centroid': 'distance_to_centroid',
        }) }}
    from assignment
),

centroids as (
    select
        {{- segmentation_fit_row({
            'fit_row_id': "'centroid|' || segment_id || '|' || feature_name",
            'row_kind': "'centroid'",
            'segment_id': 'segment_id',
            'segment_name': 'segment_name',
            'feature_name': 'feature_name',
            'centroid_z_score': 'centroid_z_score',
            'centroid_value': 'centroid_value',
            'discriminant_coefficient': 'discriminant_coefficient',
            'discriminant_intercept': 'discriminant_intercept',
        }) }}
    from reference_centroids
),

segments as (
    select distinct
        {{- segmentation_fit_row({
            'fit_row_id': "'segment|' || segment_id",
            'row_kind': "'segment'",
            'segment_id': 'segment_id',
            'segment_name': 'segment_name',
            'segment_archetype': 'segment_archetype',
            'match_status': "'assigned'",
        }) }}
    from reference_centroids
),

features as (
    select distinct
        {{- segmentation_fit_row({
            'fit_row_id': "'feature|' || feature_name",
            'row_kind': "'feature'",
            'feature_name': 'feature_name',
            'is_feature_used': 'true',
            'is_log_transformed': 'is_log_transformed',
            'impute_value': 'impute_value',
            'clip_lower_value': 'clip_lower_value',
            'clip_upper_value': 'clip_upper_value',
            'scaler_mean': 'scaler_mean',
            'scaler_scale': 'scaler_scale',
            'feature_weight': 'feature_weight',
        }) }}
    from reference_centroids
),

{%- set assigned_reason = "'assigned to the stored centroids of the fit as of '"
    ~ " || checked_reference.fitted_as_of_date || ' (segment_mode=assign, no refit)'" %}

k_candidates as (
    select
        {{- segmentation_fit_row({
            'fit_row_id': "'k|' || checked_reference.k",
            'row_kind': "'k_candidate'",
            'k': 'checked_reference.k',
            'is_chosen': 'true',
            'is_rule_choice': 'true',
            'is_elbow': 'false',
            'has_cluster_structure': 'false',
            'failed_checks': "'not measured: segments assigned to the stored fit'",
            'selection_reason': assigned_reason,
        }) }}
    from checked_reference
),

assignment_fingerprint as (
    select
        'assign:' || left(md5(
            {{ ordered_string_agg("customer_id || ':' || segment_id", ',', 'customer_id') }}
        ), 16) as data_fingerprint,
        count(*) as scored_customer_count
    from assignment
),

run as (
    select
        {{- segmentation_fit_row({
            'fit_row_id': "'run'",
            'row_kind': "'run'",
            'as_of_date': 'as_of.as_of_date',
            'k': 'checked_reference.k',
            'seed': 'checked_reference.seed',
            'selection_reason': assigned_reason,
            'feature_list': 'checked_reference.feature_list',
            'scaler_parameters': 'checked_reference.scaler_parameters',
            'settings': 'checked_reference.settings',
            'data_fingerprint': 'assignment_fingerprint.data_fingerprint',
            'scored_customer_count': 'assignment_fingerprint.scored_customer_count',
            'previous_as_of_date': 'checked_reference.reference_as_of_date',
            'matched_segment_count': 'checked_reference.k',
            'highest_segment_id': 'checked_reference.highest_segment_id',
            'segment_mode': "'assign'",
            'fitted_as_of_date': 'checked_reference.fitted_as_of_date',
            'distance_p95': 'checked_reference.distance_p95',
            'method_version': 'checked_reference.method_version',
        }) }}
    from checked_reference
    cross join as_of
    cross join assignment_fingerprint
)

select * from customers
union all
select * from centroids
union all
select * from segments
union all
select * from features
union all
select * from k_candidates
union all
select * from run

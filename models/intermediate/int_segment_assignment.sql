{#- segment_mode = assign: the SQL twin of int_segmentation_fit. No K-means refit: customers go
    to the nearest stored centroid (int_centroid_assignment), and the run, its centroids and its
    features are carried over from the reference run, so every segment mart and the history
    read the same long table as after a fit. Measures only a fit produces (silhouettes,
    bootstrap stability, tests, rules) are absent: the marts show them as not measured. -#}
{{ config(enabled=(var('segment_mode', 'fit') == 'assign')) }}

with

{#- Every column of the Python fit's table, typed, so consumers find the same shape. #}
fit_shape as (
    select
        {%- for name, data_type in segmentation_fit_columns() %}
        cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    where false
),

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
        distance_p95
    from reference_centroids
),

checked_reference as (
    {# Assigning needs a stored fit: say so instead of building empty segments. #}
    select
        reference_run.*,
        case
            when (select count(*) from reference_run) = 0
                then error('segment_mode=assign needs a stored fit on or before as_of_date: run a build with segment_mode=fit first')
        end as reference_check
    from (select 1 as one) as anchor
    left join reference_run
        on true
),

customers as (
    select
        'customer|' || customer_id as fit_row_id,
        'customer' as row_kind,
        customer_id,
        segment_id,
        segment_name,
        segment_archetype,
        distance_to_centroid
    from assignment
),

centroids as (
    select
        'centroid|' || segment_id || '|' || feature_name as fit_row_id,
        'centroid' as row_kind,
        segment_id,
        segment_name,
        feature_name,
        centroid_z_score,
        centroid_value
    from reference_centroids
),

segments as (
    select distinct
        'segment|' || segment_id as fit_row_id,
        'segment' as row_kind,
        segment_id,
        segment_name,
        segment_archetype,
        'assigned' as match_status
    from reference_centroids
),

features as (
    select distinct
        'feature|' || feature_name as fit_row_id,
        'feature' as row_kind,
        feature_name,
        true as is_feature_used,
        is_log_transformed,
        impute_value,
        scaler_mean,
        scaler_scale
    from reference_centroids
),

k_candidates as (
    select
        'k|' || checked_reference.k as fit_row_id,
        'k_candidate' as row_kind,
        checked_reference.k,
        true as is_chosen,
        false as is_elbow,
        false as has_cluster_structure,
        'assigned to the stored centroids of the fit as of ' || checked_reference.fitted_as_of_date
        || ' (segment_mode=assign, no refit)' as selection_reason
    from checked_reference
),

run as (
    select
        'run' as fit_row_id,
        'run' as row_kind,
        cast(as_of.as_of_date as string) as as_of_date,
        checked_reference.k,
        checked_reference.seed,
        'assigned to the stored centroids of the fit as of ' || checked_reference.fitted_as_of_date
        || ' (segment_mode=assign, no refit)' as selection_reason,
        checked_reference.feature_list,
        checked_reference.scaler_parameters,
        checked_reference.settings,
        'assign:' || left(md5(
            (select {{ ordered_string_agg("customer_id || ':' || segment_id", ',', 'customer_id') }} from assignment)
        ), 16) as data_fingerprint,
        (select count(*) from assignment) as scored_customer_count,
        cast(checked_reference.reference_as_of_date as string) as previous_as_of_date,
        checked_reference.k as matched_segment_count,
        checked_reference.highest_segment_id,
        'assign' as segment_mode,
        cast(checked_reference.fitted_as_of_date as string) as fitted_as_of_date,
        checked_reference.distance_p95
    from checked_reference
    cross join as_of
)

select * from fit_shape
union all by name
select * from customers
union all by name
select * from centroids
union all by name
select * from segments
union all by name
select * from features
union all by name
select * from k_candidates
union all by name
select * from run

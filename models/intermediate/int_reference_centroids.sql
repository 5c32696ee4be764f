{#- The stored run new customers are compared with, one row per segment × feature: in assign
    mode the latest run on or before as_of_date (the segments to reuse), in fit mode the latest
    run before it (to measure drift since the last model). Empty when there is none. -#}
{%- set runs = history_relation('segmentation_runs') -%}
{%- set centroids = history_relation('segment_centroids') -%}
{%- set comparison = '<=' if segment_mode() == 'assign' else '<' -%}
{#- Runs stored before these columns existed lack them: read as null. -#}
{%- set run_columns = [] -%}
{%- if runs is not none -%}
{%- set run_columns = adapter.get_columns_in_relation(runs) | map(attribute='name') | list -%}
{%- endif -%}
{%- set centroid_columns = [] -%}
{%- if centroids is not none -%}
{%- set centroid_columns = adapter.get_columns_in_relation(centroids) | map(attribute='name') | list -%}
{%- endif %}

with

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

{% if runs is not none and centroids is not none -%}
reference_run as (
    select runs.*
    from {{ runs }} as runs
    cross join as_of
    where runs.as_of_date {{ comparison }} as_of.as_of_date
    qualify row_number() over (order by runs.as_of_date desc) = 1
),

final as (
    select
        centroids.as_of_date as reference_as_of_date,
        {% if 'fitted_as_of_date' in run_columns -%}
        coalesce(reference_run.fitted_as_of_date, reference_run.as_of_date) as fitted_as_of_date,
        {%- else -%}
        reference_run.as_of_date as fitted_as_of_date,
        {%- endif %}
        centroids.segment_id,
        centroids.segment_name,
        centroids.segment_archetype,
        centroids.feature_name,
        centroids.centroid_z_score,
        centroids.centroid_value,
        centroids.is_log_transformed,
        centroids.impute_value,
        {#- Runs stored before fences (method 2) or the shared-covariance rule (method 4) lack
            these columns: null (no fence; the nearest centroid assigned). #}
        {% for column in ['clip_lower_value', 'clip_upper_value', 'discriminant_coefficient',
            'discriminant_intercept'] -%}
        {% if column in centroid_columns -%}
        centroids.{{ column }},
        {%- else -%}
        cast(null as double) as {{ column }},
        {%- endif %}
        {% endfor -%}
        centroids.scaler_mean,
        centroids.scaler_scale,
        {#- Runs before feature weights weighed every feature the same. #}
        {% if 'feature_weight' in centroid_columns -%}
        coalesce(centroids.feature_weight, 1.0) as feature_weight,
        {%- else -%}
        1.0 as feature_weight,
        {%- endif %}
        reference_run.k,
        reference_run.seed,
        reference_run.feature_list,
        reference_run.scaler_parameters,
        reference_run.settings,
        reference_run.highest_segment_id,
        {% if 'distance_p95' in run_columns -%}
        reference_run.distance_p95,
        {%- else -%}
        cast(null as double) as distance_p95,
        {%- endif %}
        {% if 'method_version' in run_columns -%}
        reference_run.method_version
        {%- else -%}
        cast(null as string) as method_version
        {%- endif %}
    from {{ centroids }} as centroids
    inner join reference_run
        on centroids.as_of_date = reference_run.as_of_date
)
{%- else -%}
final as (
    {#- No history yet: nothing to compare with. #}
    select
        cast(null as date) as reference_as_of_date,
        cast(null as date) as fitted_as_of_date,
        cast(null as integer) as segment_id,
        cast(null as string) as segment_name,
        cast(null as string) as segment_archetype,
        cast(null as string) as feature_name,
        cast(null as double) as centroid_z_score,
        cast(null as double) as centroid_value,
        cast(null as boolean) as is_log_transformed,
        cast(null as double) as impute_value,
        cast(null as double) as clip_lower_value,
        cast(null as double) as clip_upper_value,
        cast(null as double) as discriminant_coefficient,
        cast(null as double) as discriminant_intercept,
        cast(null as double) as scaler_mean,
        cast(null as double) as scaler_scale,
        cast(null as double) as feature_weight,
        cast(null as integer) as k,
        cast(null as integer) as seed,
        cast(null as string) as feature_list,
        cast(null as string) as scaler_parameters,
        cast(null as string) as settings,  -- noqa: RF04
        cast(null as integer) as highest_segment_id,
        cast(null as double) as distance_p95,
        cast(null as string) as method_version
    from as_of
    where false
)
{%- endif %}

select * from final

{% macro segmentation_fit_columns() %}
    {#- Every column of int_segmentation_fit with its type, for the SQL twin (assign mode) to
        return the same shape. Kept equal to segmentation.frames.FIT_COLUMN_TYPES by a pytest. -#}
    {{ return([
        ('fit_row_id', 'string'),
        ('row_kind', 'string'),
        ('customer_id', 'string'),
        ('as_of_date', 'string'),
        ('segment_id', 'bigint'),
        ('segment_name', 'string'),
        ('segment_archetype', 'string'),
        ('k', 'bigint'),
        ('seed', 'bigint'),
        ('is_chosen', 'boolean'),
        ('is_elbow', 'boolean'),
        ('has_cluster_structure', 'boolean'),
        ('selection_reason', 'string'),
        ('fit_customer_count', 'bigint'),
        ('silhouette_sample_size', 'bigint'),
        ('stability_sample_size', 'bigint'),
        ('stability_resamples', 'bigint'),
        ('feature_name', 'string'),
        ('is_log_transformed', 'boolean'),
        ('is_feature_used', 'boolean'),
        ('is_key_feature', 'boolean'),
        ('feature_drop_reason', 'string'),
        ('nearest_segment_id', 'bigint'),
        ('match_status', 'string'),
        ('test_customer_count', 'bigint'),
        ('rule_id', 'string'),
        ('rule_scope', 'string'),
        ('rule_text', 'string'),
        ('sql_predicate', 'string'),
        ('customers_matched', 'bigint'),
        ('customers_correct', 'bigint'),
        ('rule_depth', 'bigint'),
        ('feature_count', 'bigint'),
        ('fit_row_count', 'bigint'),
        ('feature_list', 'string'),
        ('scaler_parameters', 'string'),
        ('settings', 'string'),
        ('data_fingerprint', 'string'),
        ('scored_customer_count', 'bigint'),
        ('previous_as_of_date', 'string'),
        ('matched_segment_count', 'bigint'),
        ('new_segment_ids', 'string'),
        ('vanished_segment_ids', 'string'),
        ('highest_segment_id', 'bigint'),
        ('segment_mode', 'string'),
        ('fitted_as_of_date', 'string'),
        ('distance_p95', 'double'),
        ('bootstrap_ari_mean', 'double'),
        ('bootstrap_ari_min', 'double'),
        ('bootstrap_jaccard_mean', 'double'),
        ('bootstrap_jaccard_min', 'double'),
        ('calinski_harabasz_score', 'double'),
        ('centroid_value', 'double'),
        ('centroid_z_score', 'double'),
        ('davies_bouldin_score', 'double'),
        ('distance_to_centroid', 'double'),
        ('epsilon_squared', 'double'),
        ('impute_value', 'double'),
        ('inertia', 'double'),
        ('kruskal_h_statistic', 'double'),
        ('kruskal_p_value', 'double'),
        ('match_distance', 'double'),
        ('nearest_centroid_distance', 'double'),
        ('null_share', 'double'),
        ('reference_silhouette_score', 'double'),
        ('rule_fidelity', 'double'),
        ('rule_precision', 'double'),
        ('scaler_mean', 'double'),
        ('scaler_scale', 'double'),
        ('segment_recall', 'double'),
        ('segment_silhouette_score', 'double'),
        ('silhouette_score', 'double'),
        ('smallest_segment_share', 'double'),
        ('clip_lower_value', 'double'),
        ('clip_upper_value', 'double'),
        ('clipped_customer_count', 'bigint'),
        ('clipped_customer_share', 'double'),
        ('feature_weight', 'double'),
        ('between_segment_variance_share', 'double'),
        ('feature_weight_bound', 'double'),
        ('weight_gap_statistic', 'double'),
        ('prediction_strength', 'double'),
        ('is_stable', 'boolean'),
        ('is_targetable_size', 'boolean'),
        ('passes_checks', 'boolean'),
        ('is_rule_choice', 'boolean'),
        ('failed_checks', 'string'),
        ('method_version', 'string'),
        ('requested_segment_count', 'bigint')
    ]) }}
{% endmacro %}

{% macro segmentation_fit_row(values) %}
    {#- A select list with every column of int_segmentation_fit in its order and type: the given
        SQL expressions (column name -> expression), null for every other column. Row kinds built
        this way stack with a plain union all on every engine (Spark SQL has no union by name). -#}
    {%- set columns = segmentation_fit_columns() -%}
    {%- set known = columns | map(attribute=0) | list -%}
    {%- for name in values if name not in known -%}
        {{ exceptions.raise_compiler_error("segmentation_fit_row: '" ~ name ~ "' is not a column of int_segmentation_fit") }}
    {%- endfor -%}
    {%- for name, data_type in columns %}
        cast({{ values.get(name, 'null') }} as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{% endmacro %}

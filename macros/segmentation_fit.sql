{% macro segment_mode() %}
    {#- The var segment_mode, checked: `fit` refits K-means (the Python model), `assign` reuses
        the stored centroids of the latest run (SQL only). -#}
    {%- set mode = var('segment_mode', 'fit') -%}
    {%- if mode not in ['fit', 'assign'] -%}
        {{ exceptions.raise_compiler_error("var segment_mode must be 'fit' or 'assign', not '" ~ mode ~ "'") }}
    {%- endif -%}
    {{ return(mode) }}
{% endmacro %}

{% macro segmentation_fit() %}
    {#- The long table every segment mart reads: the Python fit, or its SQL twin in assign mode. -#}
    {%- if segment_mode() == 'assign' -%}
        {{ return(ref('int_segment_assignment')) }}
    {%- else -%}
        {{ return(fitted_table('int_segmentation_fit')) }}
    {%- endif -%}
{% endmacro %}

{% macro fitted_table(model_name) %}
    {#- What a Python model (python_models/) wrote. On DuckDB the model itself; on Spark, where
        dbt-spark's session method runs no Python models, the same table written by
        `python -m customer_segmentation.spark`, declared as the source python_fits. -#}
    {{ return(adapter.dispatch('fitted_table', 'customer_segmentation')(model_name)) }}
{% endmacro %}

{% macro duckdb__fitted_table(model_name) %}
    {{ return(ref(model_name)) }}
{% endmacro %}

{% macro spark__fitted_table(model_name) %}
    {{ return(source('python_fits', model_name)) }}
{% endmacro %}

{% macro history_relation(identifier) %}
    {#- A history table read directly (not through ref(), which would be a cycle: the history is
        built downstream of the models that read it); none when it does not exist yet. -#}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema=target.schema, identifier=identifier)) }}
{% endmacro %}

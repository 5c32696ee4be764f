{% macro raw_file_is_present(table_name, source_name='canonical') -%}
    {#- A SQL boolean literal, decided when the model runs (the folder may change between runs). -#}
    {%- if execute and raw_file_exists(raw_file_path(table_name, source_name)) -%}
        true
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}


{% macro raw_file_name(table_name, source_name='canonical') -%}
    {#- The file name the contract gives the table (meta raw_file), for readers of quarantine. -#}
    {%- if execute -%}
        {{ raw_source_meta(raw_source_node(table_name, source_name))['raw_file'] }}
    {%- else -%}
        {{ table_name }}
    {%- endif -%}
{%- endmacro %}

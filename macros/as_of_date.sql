{% macro as_of_date_var() %}
    {#- The var as a checked YYYY-MM-DD string, or none when it is not set. -#}
    {%- set value = var('as_of_date', '') -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error("The var as_of_date must be YYYY-MM-DD; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}

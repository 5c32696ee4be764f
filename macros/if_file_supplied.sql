{% macro if_file_supplied(file_is_present, value, none_value=0) -%}
    {#- A customer with no rows in a supplied file has `none_value` (0 events); when the file was
        not supplied at all the answer is unknown, so null. -#}
    case when {{ file_is_present }} then coalesce({{ value }}, {{ none_value }}) end
{%- endmacro %}

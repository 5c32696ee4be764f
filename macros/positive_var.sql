{% macro positive_var(name, whole_number=true) %}
    {#- A length or count var, checked: zero, a negative or a non-number is a clear error naming
        the var, not a division by zero or an empty union deep in a model. -#}
    {%- set value = var(name) -%}
    {%- set number = value | float(0) if value is not boolean else 0 -%}
    {%- if number <= 0 or (whole_number and number != number | round(0)) -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ name ~ " must be " ~ ("a whole number" if whole_number else "a number")
            ~ " above 0; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(number | int if whole_number else number) }}
{% endmacro %}

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
    {#- A number is returned as given (7 stays 7, not 7.0): the SQL it is rendered into is
        unchanged, and Spark would take 7.0 for a decimal and divide at a fixed scale. -#}
    {{ return(number | int if whole_number else (value if value is number else number)) }}
{% endmacro %}

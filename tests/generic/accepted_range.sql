{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
{#- Returns the non-null values outside the range; nulls are for not_null to judge. -#}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error('accepted_range on ' ~ column_name ~ ' needs min_value or max_value') }}
{%- endif -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %}
        or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
        {%- endif %}
    )
{% endtest %}

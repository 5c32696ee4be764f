{% test expression_is_true(model, expression) %}
{#- Returns the rows where the expression is false or null: a null is not a pass. -#}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}

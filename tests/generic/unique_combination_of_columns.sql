{% test unique_combination_of_columns(model, combination_of_columns) %}
{#- The compound grain of a model: returns each combination held by more than one row, with how
    many (dbt_utils' test of the same name, written here because the dbt hub is unreachable).
    Nulls count as values, as in a group by: two rows with the same nulls are duplicates. -#}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as row_count
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test row_count_at_least(model, min_row_count=1) %}
{#- One failing row when the model holds fewer rows than expected (an empty mart usually means
    the input was empty or everything was quarantined). -#}
select count(*) as row_count
from {{ model }}
having count(*) < {{ min_row_count }}
{% endtest %}

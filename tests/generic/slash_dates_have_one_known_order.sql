{% test slash_dates_have_one_known_order(model, column_name) %}
{#- A file whose slash dates never put a number above 12 in either place (a short export:
    12/1/2010 ... 12/9/2010) could be month or day first; it is read month first, as UCI
    publishes its dates, and a day-first file of that kind would be read wrong without an error.
    A file with dates of both orders has its slash dates rejected. Both are worth a look. -#}
select
    '{{ model.identifier }}' as base_model,
    {{ column_name }} as slash_date_order,
    count(*) as row_count
from {{ model }}
where {{ column_name }} in ('month_first_assumed', 'mixed')
group by {{ column_name }}
{% endtest %}

{#- One customer in n, in id order, so that at most max_customers remain: the same sample on every
    engine and in every build of the same data, and the rule `fit_sample` applies in Python
    (predicted_value/settings.py), so a fit given this sample fits on all of it. With
    `partition_by`, one such sample per value of that column, which the select also returns. -#}
{% macro every_nth_customer(relation, max_customers, partition_by=none) %}
    {%- set partition = [partition_by] if partition_by else [] %}
    select
        {{ (partition + ['customer_id']) | join(',\n        ') }}
    from (
        select
            {{ (partition + ['customer_id']) | join(',\n            ') }},
            row_number() over (
                {% if partition_by %}partition by {{ partition_by }} {% endif -%}
                order by customer_id
            ) as customer_rank,
            count(*) over ({% if partition_by %}partition by {{ partition_by }}{% endif %})
                as customer_count
        from (
            select distinct
                {{ (partition + ['customer_id']) | join(',\n                ') }}
            from {{ relation }}
        ) as customers
    ) as ranked_customers
    where
        mod(
            customer_rank - 1,
            cast(ceil(customer_count / cast({{ max_customers }} as double)) as integer)
        ) = 0
{% endmacro %}

{#- One customer in n, in id order, so that at most max_customers remain: the same sample on every
    engine and in every build of the same data, and the rule `fit_sample` applies in Python
    (predicted_value/settings.py), so a fit given this sample fits on all of it. -#}
{% macro every_nth_customer(relation, max_customers) %}
    select customer_id
    from (
        select
            customer_id,
            row_number() over (order by customer_id) as customer_rank,
            count(*) over () as customer_count
        from (select distinct customer_id from {{ relation }}) as customers
    ) as ranked_customers
    where
        mod(
            customer_rank - 1,
            cast(ceil(customer_count / cast({{ max_customers }} as double)) as integer)
        ) = 0
{% endmacro %}

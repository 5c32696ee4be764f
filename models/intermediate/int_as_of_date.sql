{#- One date for the whole build. The var wins; otherwise the day after the last order, taken
    from the data (never current_date), so a rebuild of the same files gives the same marts. -#}
{%- set as_of_date_var = as_of_date_var() -%}

with

order_lines as (
    select * from {{ ref('stg_canonical__order_lines') }}
),

last_order as (
    select max(ordered_at) as last_ordered_at
    from order_lines
),

final as (
    select
        {% if as_of_date_var -%}
        cast('{{ as_of_date_var }}' as date) as as_of_date,
        'var' as as_of_date_source,
        {%- else -%}
        cast({{ dbt.dateadd('day', 1, 'cast(last_ordered_at as date)') }} as date) as as_of_date,
        'data' as as_of_date_source,
        {%- endif %}
        last_ordered_at
    from last_order
)

select * from final

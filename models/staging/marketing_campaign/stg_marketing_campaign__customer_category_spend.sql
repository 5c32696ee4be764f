{#- The six Mnt* columns as one row per customer and product category (spend over the two years
    before the file was measured). -#}
with

base as (
    select * from {{ ref('base_marketing_campaign__customers') }}
),

kept as (
    select * from base
    where not is_rejected
),

unpivoted as (
    {% for category in ['wines', 'fruits', 'meat', 'fish', 'sweets', 'gold'] -%}
    select
        customer_id,
        '{{ category }}' as category,
        cast({{ {'wines': 'wine', 'fruits': 'fruit', 'sweets': 'sweet'}.get(category, category) }}_spend_amount as decimal(18, 4))
            as spend_amount
    from kept
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}
)

select * from unpivoted

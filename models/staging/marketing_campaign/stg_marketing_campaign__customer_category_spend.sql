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
    {#- category name: the base model's spend column (from MntWines, MntFruits ...). -#}
    {%- set spend_columns = {'wines': 'wine_spend_amount', 'fruits': 'fruit_spend_amount',
        'meat': 'meat_spend_amount', 'fish': 'fish_spend_amount', 'sweets': 'sweet_spend_amount',
        'gold': 'gold_spend_amount'} %}
    {% for category, spend_column in spend_columns.items() -%}
    select
        customer_id,
        '{{ category }}' as category,
        cast({{ spend_column }} as decimal(18, 4)) as spend_amount
    from kept
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}
)

select * from unpivoted

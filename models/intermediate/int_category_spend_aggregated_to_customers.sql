{#- What each customer bought by product category, for top-category preferences and segment
    profiles. Order-line formats sum the purchase lines whose product has a category; a format
    of customer-level aggregates delivers spend per category directly (marketing_campaign's
    Mnt* columns). Each format feeds one of the two parts; the other is empty. -#}
with

order_lines as (
    select * from {{ ref('int_customer_order_lines_joined_to_products') }}
),

customer_category_spend as (
    select * from {{ staged('customer_category_spend') }}
),

from_order_lines as (
    {# Preferences follow what was bought; returns say little about taste. #}
    select
        customer_id,
        category,
        sum(line_amount) as spend_amount
    from order_lines
    where quantity > 0 and category is not null
    group by customer_id, category
),

from_customer_summaries as (
    select
        customer_id,
        category,
        spend_amount
    from customer_category_spend
),

unioned as (
    select * from from_order_lines
    union all
    select * from from_customer_summaries
),

final as (
    select
        {{ key_part('customer_id') }} || '|' || category as customer_category_id,
        customer_id,
        category,
        spend_amount
    from unioned
)

select * from final

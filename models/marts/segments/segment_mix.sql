{#- Who is in each segment and what they buy: demographic mix (share of members) and channel
    and category mix (share of gross spend), each against the whole scored population. -#}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customers as (
    select * from {{ ref('customers') }}
),

order_lines as (
    select * from {{ ref('int_customer_order_lines_joined_to_products') }}
),

category_spend as (
    select * from {{ ref('int_category_spend_aggregated_to_customers') }}
),

members as (
    select
        customer_segments.segment_id,
        customers.age_band,
        customers.income_band,
        customers.gender
    from customer_segments
    inner join customers
        on customer_segments.customer_id = customers.customer_id
),

channel_purchases as (
    {# Formats without order lines (customer-level aggregates) have no channel mix here. #}
    select
        customer_segments.segment_id,
        order_lines.channel,
        order_lines.line_amount
    from order_lines
    inner join customer_segments
        on order_lines.customer_id = customer_segments.customer_id
    where order_lines.quantity > 0
),

category_purchases as (
    select
        customer_segments.segment_id,
        category_spend.category,
        category_spend.spend_amount
    from category_spend
    inner join customer_segments
        on category_spend.customer_id = customer_segments.customer_id
),

{#- Demographics count members; channel and category sum gross spend. -#}
{%- set dimensions = [
    ('age_band', 'members', 'count(*)'),
    ('income_band', 'members', 'count(*)'),
    ('gender', 'members', 'count(*)'),
    ('channel', 'channel_purchases', 'sum(line_amount)'),
    ('category', 'category_purchases', 'sum(spend_amount)'),
] %}

unioned as (
    {%- for dimension, relation, amount in dimensions %}
    select
        segment_id,
        '{{ dimension }}' as mix_dimension,
        coalesce({{ dimension }}, 'unknown') as mix_value,
        {#- Decimal, so sums are exact: float sums depend on the order threads add them in. #}
        cast({{ amount }} as decimal(38, 4)) as mix_amount
    from {{ relation }}
    group by segment_id, {{ dimension }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

shares as (
    select
        segment_id,
        mix_dimension,
        mix_value,
        mix_amount,
        round(
            mix_amount / nullif(sum(mix_amount) over (partition by segment_id, mix_dimension), 0), 12
        ) as segment_share,
        round(
            sum(mix_amount) over (partition by mix_dimension, mix_value)
            / nullif(sum(mix_amount) over (partition by mix_dimension), 0),
            12
        ) as population_share
    from unioned
),

final as (
    select
        segment_id,
        mix_dimension,
        mix_value,
        case when mix_dimension in ('channel', 'category') then 'gross_spend' else 'customers' end as measured_by,
        mix_amount,
        segment_share,
        population_share,
        round(segment_share / nullif(population_share, 0), 9) as index_to_population
    from shares
)

select * from final

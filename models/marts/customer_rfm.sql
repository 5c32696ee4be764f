with

customers as (
    select * from {{ ref('customers') }}
),

purchases as (
    select * from {{ ref('int_purchases_aggregated_to_customers') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

rfm_segment_names as (
    select * from {{ ref('rfm_segment_names') }}
),

scored_customers as (
    select
        purchases.customer_id,
        as_of.as_of_date,
        purchases.last_purchase_date,
        {{ dbt.datediff('purchases.last_purchase_date', 'as_of.as_of_date', 'day') }}
            as recency_days,
        purchases.order_count,
        {# Every line counts, returns too, even in an order that is not a purchase. #}
        cast(purchases.monetary_amount as decimal(18, 2)) as monetary_amount
    from purchases
    inner join customers
        on purchases.customer_id = customers.customer_id
    cross join as_of
    where purchases.order_count > 0
),

ranked as (
    {#- rank() gives tied values the same rank, so ties always share a score (ntile would
        split a tie across two scores by row order). Worst first: rank 1 scores 1. -#}
    select
        *,
        count(*) over () as scored_customer_count,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by order_count asc) as frequency_rank,
        rank() over (order by monetary_amount asc) as monetary_rank
    from scored_customers
),

measure_spread as (
    select
        min(recency_days) < max(recency_days) as recency_varies,
        min(order_count) < max(order_count) as frequency_varies,
        min(monetary_amount) < max(monetary_amount) as monetary_varies
    from scored_customers
),

scored as (
    select
        ranked.*,
        {{ rfm_score('ranked.recency_rank', 'ranked.scored_customer_count', 'measure_spread.recency_varies') }}
            as recency_score,
        {{ rfm_score('ranked.frequency_rank', 'ranked.scored_customer_count', 'measure_spread.frequency_varies') }}
            as frequency_score,
        {{ rfm_score('ranked.monetary_rank', 'ranked.scored_customer_count', 'measure_spread.monetary_varies') }}
            as monetary_score
    from ranked
    cross join measure_spread
),

named as (
    select
        scored.customer_id,
        scored.as_of_date,
        scored.last_purchase_date,
        scored.recency_days,
        scored.order_count,
        scored.monetary_amount,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,
        rfm_segment_names.rfm_code,
        rfm_segment_names.rfm_segment_name
    from scored
    left join rfm_segment_names
        on
            scored.recency_score = rfm_segment_names.recency_score
            and scored.frequency_score = rfm_segment_names.frequency_score
            and scored.monetary_score = rfm_segment_names.monetary_score
)

select * from named

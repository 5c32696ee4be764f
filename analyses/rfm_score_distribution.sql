{#- How the RFM scores spread: customers per score of each of recency, frequency and monetary
    value, with the range of the underlying measure in each score. Quintile scores should hold
    about 20% each; ties (many one-order customers) make frequency lumpier. -#}
with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

scores as (
    select
        'recency' as rfm_dimension,
        recency_score as score,
        cast(recency_days as double) as measure_value
    from customer_rfm
    union all
    select
        'frequency' as rfm_dimension,
        frequency_score as score,
        cast(order_count as double) as measure_value
    from customer_rfm
    union all
    select
        'monetary' as rfm_dimension,
        monetary_score as score,
        cast(monetary_amount as double) as measure_value
    from customer_rfm
)

select
    rfm_dimension,
    score,
    count(*) as customer_count,
    round(100.0 * count(*) / sum(count(*)) over (partition by rfm_dimension), 1) as customer_pct,
    min(measure_value) as min_measure_value,
    median(measure_value) as median_measure_value,
    max(measure_value) as max_measure_value
from scores
group by rfm_dimension, score
order by rfm_dimension asc, score asc

{#- Size and value of each RFM segment: the first table marketing asks for. -#}
with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
)

select
    rfm_segment_name,
    count(*) as customer_count,
    round(100.0 * count(*) / sum(count(*)) over (), 1) as customer_pct,
    round(100.0 * sum(monetary_amount) / sum(sum(monetary_amount)) over (), 1) as monetary_pct,
    median(recency_days) as median_recency_days,
    median(order_count) as median_order_count,
    median(monetary_amount) as median_monetary_amount
from customer_rfm
group by rfm_segment_name
order by monetary_pct desc

{#- The K-means segments side by side on what marketing asks first: size, value now and
    predicted, recency and frequency, engagement, and how each maps onto the RFM names. -#}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

customer_predicted_value as (
    select * from {{ ref('customer_predicted_value') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

members as (
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_features.recency_days,
        customer_features.order_count,
        customer_features.monetary_amount,
        customer_features.average_order_value_amount,
        customer_features.email_open_rate,
        customer_predicted_value.predicted_clv_amount,
        customer_predicted_value.probability_alive,
        customer_rfm.rfm_segment_name
    from customer_segments
    inner join customer_features
        on customer_segments.customer_id = customer_features.customer_id
    left join customer_predicted_value
        on customer_segments.customer_id = customer_predicted_value.customer_id
    left join customer_rfm
        on customer_segments.customer_id = customer_rfm.customer_id
),

segments_compared as (
    select
        segment_id,
        segment_name,
        count(*) as customer_count,
        round(100.0 * count(*) / sum(count(*)) over (), 1) as customer_pct,
        round(100.0 * sum(monetary_amount) / sum(sum(monetary_amount)) over (), 1)
            as monetary_pct,
        median(recency_days) as median_recency_days,
        median(order_count) as median_order_count,
        median(monetary_amount) as median_monetary_amount,
        avg(average_order_value_amount) as avg_order_value_amount,
        avg(email_open_rate) as avg_email_open_rate,
        avg(predicted_clv_amount) as avg_predicted_clv_amount,
        avg(probability_alive) as avg_probability_alive
    from members
    group by segment_id, segment_name
),

{# Ties between RFM names go to the first name alphabetically, so reruns agree. #}
rfm_names_ranked as (
    select
        segment_id,
        rfm_segment_name,
        row_number() over (
            partition by segment_id order by count(*) desc, rfm_segment_name asc
        ) as rfm_name_rank
    from members
    where rfm_segment_name is not null
    group by segment_id, rfm_segment_name
)

select
    segments_compared.*,
    rfm_names_ranked.rfm_segment_name as most_common_rfm_segment_name
from segments_compared
left join rfm_names_ranked
    on
        segments_compared.segment_id = rfm_names_ranked.segment_id
        and rfm_names_ranked.rfm_name_rank = 1
order by segments_compared.segment_id

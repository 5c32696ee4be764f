{#- History: one row per scored customer per as-of date built. A rebuild of a date replaces
    that date's rows; --full-refresh keeps the other dates (see segment_history_config). -#}
{{ segment_history_config() }}

with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customer_predicted_value as (
    select * from {{ ref('customer_predicted_value') }}
),

final as (
    select
        customer_segments.customer_id,
        customer_segments.as_of_date,
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.segment_archetype,
        customer_rfm.rfm_code,
        customer_rfm.rfm_segment_name,
        customer_rfm.recency_days,
        customer_rfm.order_count,
        customer_rfm.monetary_amount,
        customer_predicted_value.predicted_clv_amount
    from customer_segments
    inner join customer_rfm
        on customer_segments.customer_id = customer_rfm.customer_id
    left join customer_predicted_value
        on customer_segments.customer_id = customer_predicted_value.customer_id
)

select * from final

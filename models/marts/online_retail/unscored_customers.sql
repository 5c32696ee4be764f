{#- Customer ids that appear in the file but are not customers of the marts: they have no clean
    sale line (no product line on a non-cancelled invoice), so there is nothing to score. -#}
with

base as (
    select * from {{ ref('base_online_retail__order_lines') }}
),

customers as (
    select * from {{ ref('stg_online_retail__customers') }}
),

lines_aggregated as (
    select
        customer_id,
        count(case when not is_rejected and is_cancellation then 1 end) as cancellation_line_count,
        count(case when rejection_reason = 'non_product_stock_code' then 1 end) as non_product_line_count,
        count(case when is_rejected and rejection_reason <> 'non_product_stock_code' then 1 end)
            as rejected_line_count,
        cast(
            sum(case when not is_rejected then quantity * unit_price_original_amount else 0 end) as decimal(18, 2)
        ) as net_clean_amount,
        min(ordered_at) as first_line_at,
        max(ordered_at) as last_line_at
    from base
    where customer_id is not null
    group by customer_id
),

unscored as (
    select
        lines_aggregated.*,
        case
            when lines_aggregated.cancellation_line_count > 0 then 'only_cancellations'
            when lines_aggregated.non_product_line_count > 0 then 'only_non_product_lines'
            else 'only_rejected_lines'
        end as unscored_reason
    from lines_aggregated
    left join customers
        on lines_aggregated.customer_id = customers.customer_id
    where customers.customer_id is null
)

select * from unscored

{#- KPIs per segment per calendar month, and the same for all customers, over customer_months:
    a customer counts, for a month, in their segment at the month's start (customer_months'
    segment columns, null when no snapshot covers them) and always in `All customers`.
    Definitions: the kpis_monthly doc block. -#}
with

customer_months as (
    select * from {{ ref('customer_months') }}
),

groupings as (
    {# Each customer month counts twice: in its segment, and in All customers. #}
    select false as is_all_customers
    union all
    select true as is_all_customers
),

members as (
    select
        case when groupings.is_all_customers then cast(null as integer) else customer_months.segment_id end
            as member_segment_id,
        case when groupings.is_all_customers then 'All customers' else customer_months.segment_name end
            as member_segment_name,
        customer_months.*
    from customer_months
    cross join groupings
    {# A customer month with no snapshot at its start counts in All customers only. #}
    where groupings.is_all_customers or customer_months.segment_name is not null
),

final as (
    select
        member_segment_id as segment_id,
        member_segment_name as segment_name,
        activity_month,
        is_partial_month,
        count(*) as customer_count,
        count(*) filter (where is_active) as active_customer_count,
        case
            when member_segment_id is null
                then count(*) filter (where is_first_purchase_month)
        end as new_customer_count,
        sum(purchase_order_count) as order_count,
        sum(net_revenue_amount) as net_revenue_amount,
        sum(purchase_gross_sales_amount) / nullif(sum(purchase_order_count), 0) as average_order_value_amount,
        count(*) filter (where is_active) / count(*) as purchase_conversion_rate,
        count(*) filter (where is_retained) / nullif(count(*) filter (where is_active_last_month), 0)
            as retention_rate,
        count(*) filter (where is_churned) / count(*) as churn_rate,
        count(*) filter (where is_emailed_and_converted) / nullif(count(*) filter (where is_emailed), 0)
            as campaign_conversion_rate,
        sum(nps_score_sum) / nullif(sum(nps_response_count), 0) as avg_nps_score
    from members
    group by
        member_segment_id,
        member_segment_name,
        activity_month,
        is_partial_month
)

select * from final

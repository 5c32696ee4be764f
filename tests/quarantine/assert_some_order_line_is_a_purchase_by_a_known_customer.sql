{{ config(severity='warn', store_failures=true) }}
{#- Order lines that are all guests' or all returns break no rule of the contract, so nothing is
    quarantined, yet no customer is scored: every segment mart is empty. Say so once, with the
    counts that explain it, instead of leaving it to the segment tests. -#}
with

order_lines as (
    select * from {{ ref('int_order_lines_before_as_of_date') }}
),

line_counts as (
    select
        count(*) as clean_line_count,
        count(case when is_guest then 1 end) as guest_line_count,
        count(case when not is_guest and quantity < 0 then 1 end) as customer_return_line_count,
        count(case when not is_guest and quantity > 0 then 1 end) as customer_purchase_line_count
    from order_lines
),

final as (
    select
        clean_line_count,
        guest_line_count,
        customer_return_line_count,
        customer_purchase_line_count
    from line_counts
    where customer_purchase_line_count = 0
)

select * from final

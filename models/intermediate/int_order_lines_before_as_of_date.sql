{#- A view: a filter and a projection of every line, cheaper for its three readers to re-run
    than to write ten million rows once. -#}
{{ config(materialized='view') }}

with

order_lines as (
    select * from {{ staged('order_lines') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

before_as_of_date as (
    select
        order_lines.order_line_id,
        order_lines.order_id,
        order_lines.customer_id,
        order_lines.product_id,
        order_lines.promotion_id,
        order_lines.channel,
        order_lines.quantity,
        order_lines.unit_price_amount,
        {{ line_amount('order_lines.quantity', 'order_lines.unit_price_amount') }} as line_amount,
        coalesce(order_lines.quantity < 0, false) as is_return,
        coalesce(order_lines.customer_id is null, false) as is_guest,
        cast(order_lines.ordered_at as date) as order_date,
        order_lines.ordered_at
    from order_lines
    cross join as_of
    {# Events on or after as_of_date 00:00 UTC have not happened yet as of that date. #}
    where order_lines.ordered_at < as_of.as_of_date
)

select * from before_as_of_date

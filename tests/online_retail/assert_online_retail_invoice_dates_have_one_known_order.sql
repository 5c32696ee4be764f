{{ config(
    severity='warn',
    store_failures=true,
    enabled=var('raw_format', 'canonical') == 'online_retail',
) }}
{#- A file whose slash dates never put a number above 12 in either place (a short export:
    12/1/2010 ... 12/9/2010) could be month or day first; it is read month first, as UCI
    publishes it, and a day-first file of that kind would be read wrong without an error. A file
    with dates of both orders has its slash dates rejected. Both are worth a look. -#}

with

order_lines as (
    select * from {{ ref('base_online_retail__order_lines') }}
),

final as (
    select
        invoice_date_order,
        count(*) as line_count
    from order_lines
    where invoice_date_order in ('month_first_assumed', 'mixed')
    group by invoice_date_order
)

select * from final

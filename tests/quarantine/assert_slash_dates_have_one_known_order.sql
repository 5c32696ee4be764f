{{ config(
    severity='warn',
    store_failures=true,
    enabled=var('raw_format', 'canonical') in ['online_retail', 'marketing_campaign'],
) }}
{#- A file whose slash dates never put a number above 12 in either place (a short export:
    12/1/2010 ... 12/9/2010) could be month or day first; it is read month first, as UCI
    publishes its dates, and a day-first file of that kind would be read wrong without an error.
    A file with dates of both orders has its slash dates rejected. Both are worth a look. -#}
{%- set read_by_format = {
    'online_retail': ('base_online_retail__order_lines', 'invoice_date_order'),
    'marketing_campaign': ('base_marketing_campaign__customers', 'signup_date_order'),
} -%}
{%- set base_model, order_column = read_by_format.get(
    var('raw_format', 'canonical'), read_by_format['online_retail']
) -%}

with

base_rows as (
    select * from {{ ref(base_model) }}
),

final as (
    select
        '{{ base_model }}' as base_model,
        {{ order_column }} as slash_date_order,
        count(*) as row_count
    from base_rows
    where {{ order_column }} in ('month_first_assumed', 'mixed')
    group by {{ order_column }}
)

select * from final

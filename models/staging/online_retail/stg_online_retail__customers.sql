{#- The file has no customer table: a customer is a CustomerID with at least one clean sale
    line (a line of a non-cancelled invoice with a product). Ids that only cancel, only carry
    non-product lines or only have rejected lines are not customers here; `unscored_customers`
    lists them. The file says nothing about age, gender, income or signup. -#}
with

order_lines as (
    select * from {{ ref('stg_online_retail__order_lines') }}
),

buyers as (
    select distinct customer_id
    from order_lines
    where customer_id is not null and not is_cancellation
),

customer_countries as (
    select
        customer_id,
        country,
        count(distinct order_id) as invoice_count,
        max(ordered_at) as last_invoiced_at
    from order_lines
    where customer_id is not null and country is not null
    group by customer_id, country
),

ranked_countries as (
    {#- The country of most invoices; a tie goes to the country of the latest invoice, then
        to the first name alphabetically, so the answer never depends on row order. -#}
    select
        customer_id,
        country,
        count(*) over (partition by customer_id) as country_count,
        count(*) over (partition by customer_id, invoice_count) as countries_with_this_invoice_count,
        row_number() over (
            partition by customer_id order by invoice_count desc, last_invoiced_at desc, country asc
        ) as country_rank
    from customer_countries
),

final as (
    select
        ---------- ids
        buyers.customer_id,

        ---------- strings
        'unknown' as gender,
        cast(null as {{ dbt.type_string() }}) as education,
        cast(null as {{ dbt.type_string() }}) as marital_status,
        ranked_countries.country,
        cast(null as {{ dbt.type_string() }}) as city,

        ---------- numerics
        coalesce(ranked_countries.country_count, 0) as country_count,
        cast(null as bigint) as birth_year,
        cast(null as decimal(18, 4)) as annual_income_amount,

        ---------- booleans
        coalesce(ranked_countries.countries_with_this_invoice_count > 1, false) as is_country_tied,

        ---------- dates
        cast(null as date) as signup_date
    from buyers
    left join ranked_countries
        on
            buyers.customer_id = ranked_countries.customer_id
            and ranked_countries.country_rank = 1
)

select * from final

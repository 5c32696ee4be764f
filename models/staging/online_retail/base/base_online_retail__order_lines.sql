{%- set raw_columns = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate',
    'UnitPrice', 'CustomerID', 'Country'] -%}

with

source as (
    select * from {{ raw_source('order_lines', 'online_retail') }}
),

non_product_codes as (
    select * from {{ ref('online_retail_non_product_codes') }}
),

distinct_rows as (
    select
        {{- raw_columns_as(raw_columns) }}
        count(*) as raw_row_count
    from source
    group by all
),

invoice_date_order as (
    {# UCI's workbook, and the CSV copies made from it, write `12/1/2010 8:26` (month first);
       a copy saved with another locale writes the day first. The file's own dates decide. #}
    {{ slash_date_order('distinct_rows', 'raw_invoicedate') }}
),

parsed as (
    select
        distinct_rows.*,

        ---------- ids
        {{ clean_text('raw_invoiceno') }} as order_id,
        {{ clean_text('raw_stockcode') }} as product_id,
        {# The id is an integer written as a float: `17850.0` is customer `17850`. #}
        case
            when {{ full_match(clean_text('raw_customerid'), '[0-9]+([.]0+)?') }}
                then regexp_replace({{ clean_text('raw_customerid') }}, '[.]0+$', '')
        end as customer_id,

        ---------- strings
        {{ clean_text('raw_description') }} as product_name,
        {{ clean_text('raw_country') }} as country,

        ---------- numerics
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_decimal('raw_unitprice') }} as unit_price_original_amount,

        ---------- timestamps
        {# ISO 8601 (this project's copy), or with slashes in the file's one order. #}
        coalesce(
            {{ parse_timestamp('raw_invoicedate') }},
            {{ parse_slash_timestamp('raw_invoicedate', 'invoice_date_order.slash_date_order') }}
        ) as ordered_at,
        invoice_date_order.slash_date_order as invoice_date_order

    from distinct_rows
    cross join invoice_date_order
),

product_codes as (
    select distinct product_id
    from parsed
),

non_product_matches as (
    {# Codes are compared in upper case: `m` (one line, "Manual") is the code M. #}
    select distinct product_codes.product_id
    from product_codes
    inner join non_product_codes
        on
            upper(product_codes.product_id) = non_product_codes.stock_code
            or (
                non_product_codes.is_prefix
                and {{ has_prefix('upper(product_codes.product_id)', 'non_product_codes.stock_code') }}
            )
),

classified as (
    select
        parsed.*,
        coalesce({{ has_prefix('parsed.order_id', "'C'") }}, false) as is_cancellation,
        coalesce(non_product_matches.product_id is not null, false) as is_non_product
    from parsed
    left join non_product_matches
        on parsed.product_id = non_product_matches.product_id
),

checked as (
    {#- The first reason that holds is the one reported. A non-product line is set aside before
        the sales rules apply to it (a discount or a bad-debt adjustment has its own signs). -#}
    select
        *,
        {{ data_issues(
            required_value_checks('InvoiceNo')
            + required_value_checks('StockCode')
            + required_value_checks('Quantity', 'invalid_integer', 'quantity')
            + required_value_checks('InvoiceDate', 'invalid_timestamp', 'ordered_at')
            + required_value_checks('UnitPrice', 'invalid_decimal', 'unit_price_original_amount')
            + [['invalid_integer', 'CustomerID', clean_text('raw_customerid') ~ ' is not null and customer_id is null']]
            + [['non_product_stock_code', 'StockCode', 'is_non_product']]
            + [['cancellation_with_positive_quantity', 'Quantity', 'is_cancellation and quantity > 0']]
            + [['negative_quantity', 'Quantity', 'not is_cancellation and quantity < 0']]
            + [['zero_quantity', 'Quantity', 'quantity = 0']]
            + [['zero_unit_price', 'UnitPrice', 'unit_price_original_amount = 0']]
            + [['negative_unit_price', 'UnitPrice', 'unit_price_original_amount < 0']]
        ) }} as rejection_reasons,
        {{ data_issues([]) }} as value_issues
    from classified
),

numbered as (
    {#- The file has no line numbers: lines are numbered within their invoice by content, so the
        numbering never depends on file order. -#}
    select
        *,
        row_number() over (
            partition by order_id
            order by {{ 'raw_' ~ raw_columns | map('lower') | join(', raw_') }}
        ) as line_number
    from checked
),

final as (
    select
        order_id || '|' || cast(line_number as {{ dbt.type_string() }}) as order_line_id,
        order_id,
        line_number,
        customer_id,
        product_id,
        product_name,
        country,
        quantity,
        unit_price_original_amount,
        ordered_at,
        invoice_date_order,
        is_cancellation,
        is_non_product,
        {{ issue_summary_columns(raw_columns, ['InvoiceNo', 'StockCode']) }}
    from numbered
)

select * from final

{%- set raw_columns = ['product_id', 'product_name', 'category', 'brand', 'unit_cost'] -%}

with

source as (
    select * from {{ raw_source('products') }}
),

distinct_rows as (
    select
        {{- raw_columns_as(raw_columns) }}
        count(*) as raw_row_count
    from source
    group by all
),

parsed as (
    select
        *,

        ---------- ids
        {{ clean_text('raw_product_id') }} as product_id,

        ---------- strings
        {{ clean_text('raw_product_name') }} as product_name,
        {{ clean_code('raw_category') }} as category,
        {{ clean_text('raw_brand') }} as brand,

        ---------- numerics
        {{ parse_decimal('raw_unit_cost') }} as unit_cost_amount

    from distinct_rows
),

checked as (
    select
        *,
        {{ data_issues(required_value_checks('product_id')) }} as row_rejections,
        {{ data_issues(
            optional_value_checks('unit_cost', 'unit_cost_amount')
            + [['out_of_range_value', 'unit_cost', 'unit_cost_amount < 0']]
        ) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['product_id'], raw_columns) }}
),

final as (
    select
        product_id,
        product_name,
        category,
        brand,
        case when unit_cost_amount >= 0 then unit_cost_amount end as unit_cost_amount,
        {{ issue_summary_columns(raw_columns, ['product_id']) }}
    from keyed
)

select * from final

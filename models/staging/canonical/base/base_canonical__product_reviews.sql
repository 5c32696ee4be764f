{%- set raw_columns = ['review_id', 'customer_id', 'product_id', 'reviewed_at', 'rating'] -%}

with

source as (
    select * from {{ raw_source('product_reviews') }}
),

customers as (
    select * from {{ ref('stg_canonical__customers') }}
),

products as (
    select * from {{ ref('stg_canonical__products') }}
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
        {{ clean_text('raw_review_id') }} as review_id,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ clean_text('raw_product_id') }} as product_id,

        ---------- numerics
        {{ parse_integer('raw_rating') }} as rating,

        ---------- timestamps
        {{ parse_timestamp('raw_reviewed_at') }} as reviewed_at

    from distinct_rows
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('review_id')
            + known_customer_checks()
            + required_value_checks('product_id')
            + required_value_checks('reviewed_at', 'invalid_timestamp')
            + required_value_checks('rating', 'invalid_integer')
            + [['out_of_range', 'rating', 'rating not between 1 and 5']]
        ) }} as row_rejections,
        {{ data_issues([
            ['unknown_product', 'product_id',
                is_unknown_key('product_id', 'products')]
        ]) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['review_id'], raw_columns) }}
),

final as (
    select
        review_id,
        customer_id,
        product_id,
        rating,
        reviewed_at,
        {{ issue_summary_columns(raw_columns, ['review_id']) }}
    from keyed
)

select * from final

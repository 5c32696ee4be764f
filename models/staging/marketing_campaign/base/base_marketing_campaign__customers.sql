{%- set raw_columns = ['ID', 'Year_Birth', 'Education', 'Marital_Status', 'Income', 'Kidhome',
    'Teenhome', 'Dt_Customer', 'Recency', 'MntWines', 'MntFruits', 'MntMeatProducts',
    'MntFishProducts', 'MntSweetProducts', 'MntGoldProds', 'NumDealsPurchases', 'NumWebPurchases',
    'NumCatalogPurchases', 'NumStorePurchases', 'NumWebVisitsMonth', 'AcceptedCmp3', 'AcceptedCmp4',
    'AcceptedCmp5', 'AcceptedCmp1', 'AcceptedCmp2', 'Complain', 'Z_CostContact', 'Z_Revenue',
    'Response'] -%}
{#- Behaviour figures every row must hold (count or amount >= 0), and 0/1 flags. -#}
{%- set required_counts = {
    'Recency': 'recency_days_at_measurement', 'MntWines': 'wine_spend_amount',
    'MntFruits': 'fruit_spend_amount', 'MntMeatProducts': 'meat_spend_amount',
    'MntFishProducts': 'fish_spend_amount', 'MntSweetProducts': 'sweet_spend_amount',
    'MntGoldProds': 'gold_spend_amount', 'NumDealsPurchases': 'raw_deal_purchase_count',
    'NumWebPurchases': 'web_purchase_count', 'NumCatalogPurchases': 'catalog_purchase_count',
    'NumStorePurchases': 'store_purchase_count', 'NumWebVisitsMonth': 'web_visit_count_30d'} -%}
{%- set required_flags = {
    'AcceptedCmp1': 'accepted_campaign_1_flag', 'AcceptedCmp2': 'accepted_campaign_2_flag',
    'AcceptedCmp3': 'accepted_campaign_3_flag', 'AcceptedCmp4': 'accepted_campaign_4_flag',
    'AcceptedCmp5': 'accepted_campaign_5_flag', 'Response': 'accepted_last_campaign_flag',
    'Complain': 'has_complained_flag'} -%}
{%- set optional_counts = {'Kidhome': 'kid_count', 'Teenhome': 'teen_count'} -%}

with

source as (
    select * from {{ raw_source('customers', 'marketing_campaign') }}
),

marital_status_aliases as (
    select * from {{ ref('marital_status_aliases') }}
),

distinct_rows as (
    select
        {{- raw_columns_as(raw_columns) }}
        count(*) as raw_row_count
    from source
    group by all
),

signup_date_order as (
    {# Dt_Customer is `04-09-2012` (day first) as published; copies re-saved by a spreadsheet
       write slashes in their locale's order, which the file's own dates decide. #}
    {{ slash_date_order('distinct_rows', 'raw_dt_customer') }}
),

parsed as (
    select
        distinct_rows.*,

        ---------- ids
        {{ clean_text('raw_id') }} as customer_id,
        {{ parse_integer('raw_id') }} as customer_number,

        ---------- strings
        {{ clean_code('raw_education') }} as education,
        {{ clean_code('raw_marital_status') }} as raw_marital_status_code,
        marital_status_aliases.marital_status,

        ---------- numerics
        {{ parse_integer('raw_year_birth') }} as birth_year,
        {{ parse_decimal('raw_income') }} as parsed_income_amount,
        {%- for raw_column, column_name in required_counts.items() %}
        {{ parse_integer('raw_' ~ raw_column | lower) }} as {{ column_name }},
        {%- endfor %}
        {%- for raw_column, column_name in optional_counts.items() %}
        {{ parse_integer('raw_' ~ raw_column | lower) }} as {{ column_name }},
        {%- endfor %}
        {%- for raw_column, column_name in required_flags.items() %}
        {{ parse_integer('raw_' ~ raw_column | lower) }} as {{ column_name }},
        {%- endfor %}

        ---------- dates
        {# As published (`DD-MM-YYYY`), ISO (the semicolon-separated copy), or with slashes. #}
        coalesce(
            {{ parse_day_month_year('raw_dt_customer') }},
            {{ parse_date('raw_dt_customer') }},
            cast(
                {{ parse_slash_timestamp('raw_dt_customer', 'signup_date_order.slash_date_order') }}
                as date
            )
        ) as signup_date,
        signup_date_order.slash_date_order as signup_date_order

    from distinct_rows
    cross join signup_date_order
    left join marital_status_aliases
        on {{ clean_code('distinct_rows.raw_marital_status') }} = marital_status_aliases.marital_status_alias
),

checked as (
    select
        *,
        {{ data_issues(
            required_value_checks('ID', 'invalid_integer', 'customer_number')
            + required_integer_checks(required_counts, min_value=0)
            + required_integer_checks(required_flags, min_value=0, max_value=1)
        ) }} as row_rejections,
        {{ data_issues(
            optional_value_checks('Year_Birth', 'birth_year')
            + optional_value_checks('Income', 'parsed_income_amount')
            + [['out_of_range_value', 'Income',
                'parsed_income_amount < 0 or parsed_income_amount > ' ~ var('max_annual_income')]]
            + [['unmapped_code', 'Marital_Status', 'raw_marital_status_code is not null and marital_status is null']]
            + optional_value_checks('Kidhome', 'kid_count')
            + optional_value_checks('Teenhome', 'teen_count')
            + [['out_of_range_value', 'Kidhome', 'kid_count < 0'], ['out_of_range_value', 'Teenhome', 'teen_count < 0']]
            + optional_value_checks('Dt_Customer', 'signup_date')
            + [['out_of_range_value', 'NumDealsPurchases',
                'raw_deal_purchase_count > web_purchase_count + catalog_purchase_count + store_purchase_count']]
        ) }} as value_issues
    from parsed
),

keyed as (
    {{ with_duplicate_key_rejections('checked', ['customer_id'], raw_columns, 'keyed_rejections') }}
),

ranked_copies as (
    {#- The same customer entered twice: rows equal in every column but the ID. Their figures
        are copies, not two histories (identical income, enrolment day, recency and six spend
        amounts do not happen by chance), so summing them would count one customer twice. The
        lowest ID is kept, the others are removed and counted. -#}
    select
        *,
        row_number() over (
            partition by {{ 'raw_' ~ raw_columns | reject('equalto', 'ID') | map('lower') | join(', raw_') }}
            order by {{ list_size('keyed_rejections') }} > 0, customer_number, raw_id
        ) as copy_rank
    from keyed
),

deduplicated as (
    select
        *,
        case
            when {{ list_size('keyed_rejections') }} = 0 and copy_rank > 1
                then {{ issue_list('duplicate_except_id', 'ID') }}
            else keyed_rejections
        end as rejection_reasons
    from ranked_copies
),

final as (
    select
        ---------- ids
        customer_id,
        customer_number,

        ---------- strings
        education,
        marital_status,

        ---------- numerics
        birth_year,
        case
            when parsed_income_amount between 0 and {{ var('max_annual_income') }} then parsed_income_amount
        end as annual_income_amount,
        case when kid_count >= 0 then kid_count end as kid_count,
        case when teen_count >= 0 then teen_count end as teen_count,
        {%- for column_name in required_counts.values() if column_name != 'raw_deal_purchase_count' %}
        {{ column_name }},
        {%- endfor %}
        case
            when raw_deal_purchase_count <= web_purchase_count + catalog_purchase_count + store_purchase_count
                then raw_deal_purchase_count
        end as deal_purchase_count,

        ---------- booleans
        {%- for column_name in required_flags.values() %}
        {{ column_name }} = 1 as {{ column_name | replace('_flag', '') }},
        {%- endfor %}

        ---------- dates
        signup_date,
        signup_date_order,

        {{ issue_summary_columns(raw_columns, ['ID']) }}
    from deduplicated
)

select * from final

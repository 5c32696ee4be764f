{#- The marketing_campaign format's campaign record: one row per customer and campaign. -#}
with

campaign_responses as (
    select * from {{ ref('stg_marketing_campaign__campaign_responses') }}
),

customers as (
    select * from {{ ref('customers') }}
),

responses as (
    select
        campaign_responses.customer_campaign_id,
        campaign_responses.customer_id,
        campaign_responses.campaign_sequence,
        campaign_responses.campaign_name,
        campaign_responses.is_accepted
    from campaign_responses
    inner join customers
        on campaign_responses.customer_id = customers.customer_id
)

select * from responses

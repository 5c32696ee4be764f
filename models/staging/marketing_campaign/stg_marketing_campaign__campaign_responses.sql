{#- One row per customer and campaign: whether the customer accepted its offer. The file holds
    five earlier campaigns (AcceptedCmp1..5, in that order in time) and the last one (Response). -#}
with

base as (
    select * from {{ ref('base_marketing_campaign__customers') }}
),

kept as (
    select * from base
    where not is_rejected
),

unpivoted as (
    {% for campaign_sequence in range(1, 7) -%}
    {%- set flag = 'accepted_last_campaign' if campaign_sequence == 6 else 'accepted_campaign_' ~ campaign_sequence -%}
    select
        customer_id || '|' || '{{ campaign_sequence }}' as customer_campaign_id,
        customer_id,
        {{ campaign_sequence }} as campaign_sequence,
        '{{ 'last campaign' if campaign_sequence == 6 else 'campaign ' ~ campaign_sequence }}' as campaign_name,
        {{ flag }} as is_accepted
    from kept
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}
)

select * from unpivoted

with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customers as (
    select * from {{ ref('customers') }}
),

customer_engagement as (
    select * from {{ ref('customer_engagement') }}
),

customer_value as (
    select * from {{ ref('customer_value') }}
),

category_spend as (
    select * from {{ ref('int_category_spend_aggregated_to_customers') }}
),

segment_feature_profiles as (
    select * from {{ ref('segment_feature_profiles') }}
),

segment_mix as (
    select * from {{ ref('segment_mix') }}
),

segment_colours as (
    select
        *,
        count(*) over () as palette_size
    from {{ ref('segment_colours') }}
),

members as (
    {#- Fractional figures are averaged as decimals: a sum of doubles depends on the order the
        threads add them in, and the same input must give the same profile to the last digit. -#}
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        customer_segments.segment_archetype,
        cast(customer_segments.distance_to_centroid as decimal(38, 12)) as distance_to_centroid,
        customer_rfm.recency_days,
        customer_rfm.order_count,
        customer_rfm.monetary_amount,
        customer_value.average_order_value_amount,
        customer_engagement.web_session_count,
        cast(customer_engagement.email_open_rate as decimal(38, 12)) as email_open_rate,
        customer_engagement.marketing_conversion_count,
        cast(customer_engagement.campaign_response_rate as decimal(38, 12)) as campaign_response_rate,
        customer_engagement.support_ticket_count,
        cast(customer_engagement.avg_csat_score as decimal(38, 12)) as avg_csat_score,
        cast(customer_engagement.avg_nps_score as decimal(38, 12)) as avg_nps_score,
        cast(customer_engagement.avg_review_rating as decimal(38, 12)) as avg_review_rating,
        customers.age_band,
        customers.income_band
    from customer_segments
    inner join customer_rfm
        on customer_segments.customer_id = customer_rfm.customer_id
    inner join customers
        on customer_segments.customer_id = customers.customer_id
    left join customer_engagement
        on customer_segments.customer_id = customer_engagement.customer_id
    left join customer_value
        on customer_segments.customer_id = customer_value.customer_id
),

segment_figures as (
    select
        segment_id,
        any_value(segment_name) as segment_name,
        any_value(segment_archetype) as segment_archetype,
        count(*) as customer_count,
        sum(monetary_amount) as monetary_amount,
        median(recency_days) as median_recency_days,
        median(order_count) as median_order_count,
        median(monetary_amount) as median_monetary_amount,
        avg(average_order_value_amount) as avg_order_value_amount,
        avg(web_session_count) as avg_web_session_count,
        avg(email_open_rate) as avg_email_open_rate,
        avg(marketing_conversion_count) as avg_marketing_conversion_count,
        avg(campaign_response_rate) as avg_campaign_response_rate,
        avg(support_ticket_count) as avg_support_ticket_count,
        avg(avg_csat_score) as avg_csat_score,
        avg(avg_nps_score) as avg_nps_score,
        avg(avg_review_rating) as avg_review_rating,
        avg(distance_to_centroid) as avg_distance_to_centroid
    from members
    group by segment_id
),

age_bands as (
    {# The most common known age band; ties to the first band by name, for a stable answer. #}
    select
        segment_id,
        age_band as most_common_age_band,
        count(*) as age_band_customer_count
    from members
    where age_band <> 'unknown'
    group by segment_id, age_band
    qualify row_number() over (partition by segment_id order by age_band_customer_count desc, age_band asc) = 1
),

top_categories as (
    select
        customer_segments.segment_id,
        category_spend.category as top_category,
        sum(category_spend.spend_amount) as top_category_spend_amount
    from category_spend
    inner join customer_segments
        on category_spend.customer_id = customer_segments.customer_id
    group by customer_segments.segment_id, category_spend.category
    qualify row_number() over (
        partition by customer_segments.segment_id
        order by top_category_spend_amount desc, category_spend.category asc
    ) = 1
),

top_mix as (
    {# The largest share per dimension; unknown values left out, ties to the first by name. #}
    select
        segment_id,
        max(mix_value) filter (where mix_dimension = 'income_band') as most_common_income_band,
        max(mix_value) filter (where mix_dimension = 'gender') as most_common_gender,
        max(mix_value) filter (where mix_dimension = 'channel') as top_channel
    from (
        select *
        from segment_mix
        where mix_value <> 'unknown'
        qualify row_number() over (
            partition by segment_id, mix_dimension order by segment_share desc, mix_value asc
        ) = 1
    ) as top_values
    group by segment_id
),

distinguishing_features as (
    select
        segment_id,
        {{ ordered_string_agg('feature_description', '; ', 'distinguishing_rank') }} as top_distinguishing_features
    from segment_feature_profiles
    where distinguishing_rank <= 3 and feature_description is not null
    group by segment_id
),

final as (
    select
        segment_figures.segment_id,
        segment_figures.segment_name,
        segment_figures.segment_archetype,
        segment_colours.colour_hex as segment_colour,
        segment_figures.customer_count,
        segment_figures.customer_count / sum(segment_figures.customer_count) over () as customer_share,
        segment_figures.monetary_amount / nullif(sum(segment_figures.monetary_amount) over (), 0)
            as revenue_share,
        segment_figures.median_recency_days,
        segment_figures.median_order_count,
        segment_figures.median_monetary_amount,
        segment_figures.avg_order_value_amount,
        segment_figures.avg_web_session_count,
        segment_figures.avg_email_open_rate,
        segment_figures.avg_marketing_conversion_count,
        segment_figures.avg_campaign_response_rate,
        segment_figures.avg_support_ticket_count,
        segment_figures.avg_csat_score,
        segment_figures.avg_nps_score,
        segment_figures.avg_review_rating,
        coalesce(age_bands.most_common_age_band, 'unknown') as most_common_age_band,
        top_mix.most_common_income_band,
        top_mix.most_common_gender,
        top_mix.top_channel,
        top_categories.top_category,
        distinguishing_features.top_distinguishing_features,
        segment_figures.avg_distance_to_centroid
    from segment_figures
    left join age_bands
        on segment_figures.segment_id = age_bands.segment_id
    left join top_categories
        on segment_figures.segment_id = top_categories.segment_id
    left join top_mix
        on segment_figures.segment_id = top_mix.segment_id
    left join distinguishing_features
        on segment_figures.segment_id = distinguishing_features.segment_id
    {# A fixed colour per segment id, so every figure shows a segment in the same colour. #}
    inner join segment_colours
        on
            (segment_figures.segment_id - 1) % segment_colours.palette_size + 1
            = segment_colours.palette_position
)

select * from final

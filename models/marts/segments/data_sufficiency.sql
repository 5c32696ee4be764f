{#- Minimum-data gates: each row says whether the data is enough for one part of the results,
    and what it means when it is not. Warn-severity tests point here. -#}
with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customer_value as (
    select * from {{ ref('customer_value') }}
),

as_of_date as (
    select * from {{ ref('int_as_of_date') }}
),

segmentation_features as (
    select * from {{ ref('segmentation_features') }}
),

segment_validation as (
    select * from {{ ref('segment_validation') }}
),

observed as (
    select
        (select count(*) from customer_rfm) as scored_customer_count,
        (
            select {{ dbt.datediff('min(customer_value.first_purchase_date)', 'as_of_date.as_of_date', 'day') }}
            from customer_value
            cross join as_of_date
            group by as_of_date.as_of_date
        ) as history_days,
        (
            select count(*) from segmentation_features
            where is_feature_used
        ) as used_feature_count,
        (
            select min(customer_share) from segment_validation
            where validation_scope = 'segment')
            as smallest_segment_share,
        (
            select cast({{ json_text('settings', 'min_segment_share') }} as double)
            from {{ segmentation_fit() }}
            where row_kind = 'run'
        ) as min_segment_share
),

checks as (
    select
        'scored_customers' as check_name,
        cast(scored_customer_count as double) as observed_value,
        cast({{ var('min_customers_for_kmeans') }} as double) as minimum_value,
        'K-means needs enough customers for segments to be more than noise. Below the minimum, '
        || 'segments, their stability and their rules are unreliable: target with the RFM '
        || 'segments of customer_rfm instead.' as what_it_means
    from observed
    union all
    select
        'history_days' as check_name,
        cast(history_days as double) as observed_value,
        cast({{ var('min_history_days') }} as double) as minimum_value,
        'Days from the first purchase to as_of_date. With less history, recency and frequency '
        || 'cannot tell regular buyers from one season''s buyers, and predicted value has little '
        || 'to learn from.' as what_it_means
    from observed
    union all
    select
        'clustering_features_used' as check_name,
        cast(used_feature_count as double) as observed_value,
        3.0 as minimum_value,
        'Features the K-means model could use (the others were null or constant). With fewer, '
        || 'segments add little to RFM.' as what_it_means
    from observed
    union all
    select
        'smallest_segment_share' as check_name,
        smallest_segment_share as observed_value,
        min_segment_share as minimum_value,
        'The smallest segment''s share of scored customers. A segment under the minimum is too '
        || 'small to target on its own: merge it into a neighbour in campaigns.' as what_it_means
    from observed
),

final as (
    select
        check_name,
        observed_value,
        minimum_value,
        coalesce(observed_value >= minimum_value, false) as is_sufficient,
        case
            when observed_value is null then 'unknown: the data gives no value for this check'
            when observed_value >= minimum_value then 'sufficient'
            else
                'limited: ' || {{ general_number_text('observed_value') }} || ' is under the minimum of '
                || {{ general_number_text('minimum_value') }}
        end as result,
        what_it_means
    from checks
)

select * from final

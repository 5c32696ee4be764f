{#- Distribution audit of every numeric column of customer_features (the table the K-means
    model reads): how many values are known, their range, quantiles, mean and spread, and how
    many are zero. Read it before trusting a segment built on a feature. -#}
with

feature_values as (
    {{ unpivot_columns(ref('customer_features'), ['customer_id']) }}
),

distributions as (
    select
        feature_name,
        count(*) as customer_count,
        count(feature_value) as known_value_count,
        count(*) - count(feature_value) as null_value_count,
        sum(case when feature_value = 0 then 1 else 0 end) as zero_value_count,
        min(feature_value) as min_value,
        quantile_cont(feature_value, 0.01) as p01_value,
        quantile_cont(feature_value, 0.25) as p25_value,
        median(feature_value) as median_value,
        quantile_cont(feature_value, 0.75) as p75_value,
        quantile_cont(feature_value, 0.99) as p99_value,
        max(feature_value) as max_value,
        avg(feature_value) as mean_value,
        stddev_pop(feature_value) as stddev_value
    from feature_values
    group by feature_name
)

select
    *,
    round(100.0 * null_value_count / nullif(customer_count, 0), 1) as null_value_pct,
    round(100.0 * zero_value_count / nullif(known_value_count, 0), 1) as zero_value_pct
from distributions
order by feature_name

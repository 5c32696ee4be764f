{#- Do segments differ on each feature? Kruskal-Wallis per used clustering feature. -#}
with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

feature_tests as (
    select
        feature_name,
        coalesce(is_key_feature, false) as is_key_feature,
        kruskal_h_statistic,
        kruskal_p_value,
        epsilon_squared,
        case
            when epsilon_squared is null then 'untested'
            when epsilon_squared >= 0.26 then 'large'
            when epsilon_squared >= 0.08 then 'medium'
            when epsilon_squared >= 0.01 then 'small'
            else 'negligible'
        end as effect_size_label,
        coalesce(kruskal_p_value < 0.001 and epsilon_squared >= 0.01, false) as segments_differ,
        test_customer_count
    from segmentation_fit
    where row_kind = 'feature_test'
)

select * from feature_tests

{#- Every clustering feature of every segment against the population, in raw units, with
    the plain-words phrase for the features that set the segment apart most. -#}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

segmentation_features as (
    select * from {{ ref('segmentation_features') }}
),

segment_descriptors as (
    select * from {{ ref('segment_descriptors') }}
),

feature_values as (
    {{ unpivot_columns(ref('customer_features'), ['customer_id'], exclude=['as_of_date']) }}
),

used_feature_values as (
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        feature_values.feature_name,
        feature_values.feature_value
    from feature_values
    inner join customer_segments
        on feature_values.customer_id = customer_segments.customer_id
    inner join segmentation_features
        on feature_values.feature_name = segmentation_features.feature_name
    where segmentation_features.is_feature_used
),

population as (
    select
        feature_name,
        avg(feature_value) as population_mean_value,
        stddev_pop(feature_value) as population_stddev_value
    from used_feature_values
    group by feature_name
),

segment_means as (
    select
        segment_id,
        any_value(segment_name) as segment_name,
        feature_name,
        avg(feature_value) as segment_mean_value,
        count(feature_value) as known_value_count
    from used_feature_values
    group by segment_id, feature_name
),

compared as (
    {#- Rounded to 9 decimals: parallel float sums differ in the last bits from run to run, and
        the same input must give the same mart (and the same rank order). -#}
    select
        segment_means.segment_id,
        segment_means.segment_name,
        segment_means.feature_name,
        round(segment_means.segment_mean_value, 9) as segment_mean_value,
        round(population.population_mean_value, 9) as population_mean_value,
        round(
            (segment_means.segment_mean_value - population.population_mean_value)
            / nullif(population.population_stddev_value, 0),
            9
        ) as z_score,
        case
            when population.population_mean_value > 0 and segment_means.segment_mean_value > 0
                then round(segment_means.segment_mean_value / population.population_mean_value, 9)
        end as ratio_to_population,
        segment_means.known_value_count
    from segment_means
    inner join population
        on segment_means.feature_name = population.feature_name
),

final as (
    select
        compared.segment_id,
        compared.segment_name,
        compared.feature_name,
        compared.segment_mean_value,
        compared.population_mean_value,
        compared.z_score,
        compared.ratio_to_population,
        row_number() over (
            partition by compared.segment_id
            order by abs(coalesce(compared.z_score, 0)) desc, compared.feature_name asc
        ) as distinguishing_rank,
        case
            when compared.z_score is null or compared.z_score = 0 then null
            when compared.ratio_to_population is not null and segment_descriptors.feature_name is not null
                then replace(
                    case
                        when compared.z_score > 0 then segment_descriptors.higher_phrase
                        else segment_descriptors.lower_phrase
                    end,
                    '{ratio}',
                    printf('%.1f', greatest(compared.ratio_to_population, 1 / compared.ratio_to_population))
                )
            else printf(
                '%s %.1f standard deviations %s average',
                replace(compared.feature_name, '_', ' '),
                abs(compared.z_score),
                case when compared.z_score > 0 then 'above' else 'below' end
            )
        end as feature_description,
        compared.known_value_count
    from compared
    left join segment_descriptors
        on compared.feature_name = segment_descriptors.feature_name
)

select * from final

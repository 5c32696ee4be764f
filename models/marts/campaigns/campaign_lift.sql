{#- One row per campaign per segment of its audience: treatment against control over the same
    conversion window, by intention to treat (each customer counted in the group the split gave,
    whether or not the send reached them). The method is the doc block campaign_lift_method. -#}
with

campaign_outcomes as (
    select * from {{ ref('int_campaign_outcomes') }}
),

campaign_audiences as (
    select * from {{ ref('campaign_audiences') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

segment_names as (
    select distinct
        campaign_id,
        segment_id,
        segment_name
    from campaign_audiences
),

{# Doubles from here: the interval formulas divide and take roots of counts and amounts. #}
groups_compared as (
    select
        campaign_id,
        segment_id,
        min(window_start_date) as window_start_date,
        min(window_end_date) as window_end_date,
        cast(sum(case when campaign_group = 'treatment' then 1 else 0 end) as double) as treated,
        cast(sum(case when campaign_group = 'control' then 1 else 0 end) as double) as controls,
        cast(sum(case when campaign_group = 'treatment' and was_sent then 1 else 0 end) as bigint)
            as treatment_sent_count,
        cast(sum(case when campaign_group = 'control' and was_sent then 1 else 0 end) as bigint) as control_sent_count,
        cast(sum(case when campaign_group = 'treatment' and has_converted then 1 else 0 end) as double)
            as treated_converted,
        cast(sum(case when campaign_group = 'control' and has_converted then 1 else 0 end) as double)
            as controls_converted,
        avg(case when campaign_group = 'treatment' then cast(revenue_amount as double) end) as treated_revenue_mean,
        avg(case when campaign_group = 'control' then cast(revenue_amount as double) end) as controls_revenue_mean,
        var_samp(case when campaign_group = 'treatment' then cast(revenue_amount as double) end)
            as treated_revenue_variance,
        var_samp(case when campaign_group = 'control' then cast(revenue_amount as double) end)
            as controls_revenue_variance
    from campaign_outcomes
    group by campaign_id, segment_id
),

with_status as (
    select
        groups_compared.*,
        case
            when groups_compared.window_start_date is null then 'not_sent'
            when groups_compared.controls = 0 or groups_compared.treated = 0 then 'no_control_group'
            when groups_compared.window_end_date > as_of.as_of_date then 'window_open'
            else 'measured'
        end as lift_status,
        groups_compared.treated_converted / nullif(groups_compared.treated, 0) as treated_rate,
        groups_compared.controls_converted / nullif(groups_compared.controls, 0) as controls_rate,
        (groups_compared.treated_converted + groups_compared.controls_converted)
        / (groups_compared.treated + groups_compared.controls) as pooled_rate,
        sqrt(
            {# A group of one has no sample variance, and adds nothing to the pooled one. #}
            (
                (groups_compared.treated - 1) * coalesce(groups_compared.treated_revenue_variance, 0)
                + (groups_compared.controls - 1) * coalesce(groups_compared.controls_revenue_variance, 0)
            )
            / nullif(groups_compared.treated + groups_compared.controls - 2, 0)
        ) as pooled_revenue_standard_deviation
    from groups_compared
    cross join as_of
),

{# Only groups that both exist are compared; everything below is null otherwise. #}
comparable as (
    select *
    from with_status
    where lift_status in ('measured', 'window_open')
),

comparisons as (
    select
        campaign_id,
        segment_id,
        treated_rate,
        controls_rate,
        treated_rate - controls_rate as conversion_lift,
        {{ newcombe_difference_bound('treated_converted', 'treated', 'controls_converted', 'controls', -1) }}
            as conversion_lift_lower,
        {{ newcombe_difference_bound('treated_converted', 'treated', 'controls_converted', 'controls', 1) }}
            as conversion_lift_upper,
        {# Katz's log risk ratio; undefined when a group has no conversion. #}
        case
            when treated_converted > 0 and controls_converted > 0 then
                ln(treated_rate / controls_rate)
        end as log_conversion_ratio,
        case
            when treated_converted > 0 and controls_converted > 0 then
                sqrt(1 / treated_converted - 1 / treated + 1 / controls_converted - 1 / controls)
        end as log_conversion_ratio_standard_error,
        {{ minimum_detectable_difference('sqrt(pooled_rate * (1 - pooled_rate))', 'treated', 'controls') }}
            as conversion_minimum_detectable_lift,
        treated_revenue_mean,
        controls_revenue_mean,
        treated_revenue_mean - controls_revenue_mean as revenue_lift,
        {# Student's t with the pooled variance, not Welch's: a holdout of a few dozen
           customers of whom a few percent buy gives a control variance too noisy to use alone
           (often 0), and Welch's interval then covers the true lift 77-97% of the time; the
           pooled one 93-98% (bench/results/2026-12-04-revenue-interval-decision.md). #}
        case
            when treated + controls > 2 and pooled_revenue_standard_deviation > 0 then
                {{ t_975('treated + controls - 2') }} * pooled_revenue_standard_deviation
                * sqrt(1 / treated + 1 / controls)
        end as revenue_lift_margin,
        {# The delta method's standard error of the log ratio of the two means, with the
           pooled variance for the reason above. #}
        case
            when treated_revenue_mean > 0 and controls_revenue_mean > 0 then
                ln(treated_revenue_mean / controls_revenue_mean)
        end as log_revenue_ratio,
        case
            when treated_revenue_mean > 0 and controls_revenue_mean > 0 then
                pooled_revenue_standard_deviation * sqrt(
                    1 / (treated * power(treated_revenue_mean, 2))
                    + 1 / (controls * power(controls_revenue_mean, 2))
                )
        end as log_revenue_ratio_standard_error,
        {{ minimum_detectable_difference('pooled_revenue_standard_deviation', 'treated', 'controls') }}
            as revenue_minimum_detectable_lift
    from comparable
),

final as (
    select
        with_status.campaign_id,
        with_status.segment_id,
        segment_names.segment_name,
        with_status.lift_status,
        with_status.window_start_date,
        with_status.window_end_date,
        cast(with_status.treated as bigint) as treatment_customer_count,
        cast(with_status.controls as bigint) as control_customer_count,
        with_status.treatment_sent_count,
        with_status.control_sent_count,
        cast(with_status.treated_converted as bigint) as treatment_converted_count,
        cast(with_status.controls_converted as bigint) as control_converted_count,
        comparisons.treated_rate as treatment_conversion_rate,
        comparisons.controls_rate as control_conversion_rate,
        comparisons.conversion_lift,
        comparisons.conversion_lift_lower,
        comparisons.conversion_lift_upper,
        exp(comparisons.log_conversion_ratio) - 1 as relative_conversion_lift,
        {{ relative_lift_bound(
            'comparisons.log_conversion_ratio', 'comparisons.log_conversion_ratio_standard_error', -1
        ) }} as relative_conversion_lift_lower,
        {{ relative_lift_bound(
            'comparisons.log_conversion_ratio', 'comparisons.log_conversion_ratio_standard_error', 1
        ) }} as relative_conversion_lift_upper,
        comparisons.conversion_minimum_detectable_lift,
        comparisons.treated_revenue_mean as treatment_revenue_per_customer,
        comparisons.controls_revenue_mean as control_revenue_per_customer,
        comparisons.revenue_lift as revenue_lift_per_customer,
        comparisons.revenue_lift - comparisons.revenue_lift_margin as revenue_lift_per_customer_lower,
        comparisons.revenue_lift + comparisons.revenue_lift_margin as revenue_lift_per_customer_upper,
        exp(comparisons.log_revenue_ratio) - 1 as relative_revenue_lift,
        {{ relative_lift_bound(
            'comparisons.log_revenue_ratio', 'comparisons.log_revenue_ratio_standard_error', -1
        ) }} as relative_revenue_lift_lower,
        {{ relative_lift_bound(
            'comparisons.log_revenue_ratio', 'comparisons.log_revenue_ratio_standard_error', 1
        ) }} as relative_revenue_lift_upper,
        comparisons.revenue_minimum_detectable_lift,
        {# A verdict only once the window has closed: reading an open window is peeking. #}
        case
            when with_status.lift_status = 'measured' then
                comparisons.conversion_lift_lower > 0 or comparisons.conversion_lift_upper < 0
        end as is_significant,
        {# No spread in either group (nobody bought) is no evidence of a difference. #}
        case
            when with_status.lift_status = 'measured' then
                coalesce(
                    comparisons.revenue_lift - comparisons.revenue_lift_margin > 0
                    or comparisons.revenue_lift + comparisons.revenue_lift_margin < 0,
                    false
                )
        end as is_revenue_lift_significant
    from with_status
    left join comparisons
        on
            with_status.campaign_id = comparisons.campaign_id
            and with_status.segment_id = comparisons.segment_id
    left join segment_names
        on
            with_status.campaign_id = segment_names.campaign_id
            and with_status.segment_id = segment_names.segment_id
)

select * from final

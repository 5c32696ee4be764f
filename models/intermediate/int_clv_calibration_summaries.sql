{#- Model inputs per customer for two fits: `production` (all history before as_of_date) and
    `holdout_evaluation` (history before as_of_date - clv_holdout_days, whose predictions are
    compared with what customers did in the holdout). Time is in units of clv_time_unit_days,
    measured to the last day of history (the day before the calibration end), as in the
    published CDNOW analyses. -#}
{%- set time_unit_days = var('clv_time_unit_days') -%}

with

purchase_days as (
    select * from {{ ref('int_customer_purchase_days') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

calibration_ends as (
    select
        'production' as fit_purpose,
        as_of_date as calibration_end_date,
        as_of_date as holdout_end_date
    from as_of
    union all
    select
        'holdout_evaluation' as fit_purpose,
        cast({{ dbt.dateadd('day', -1 * var('clv_holdout_days'), 'as_of_date') }} as date)
            as calibration_end_date,
        as_of_date as holdout_end_date
    from as_of
),

first_purchases as (
    select
        calibration_ends.fit_purpose,
        purchase_days.customer_id,
        min(purchase_days.purchase_date) as first_purchase_date
    from purchase_days
    inner join calibration_ends
        on purchase_days.purchase_date < calibration_ends.calibration_end_date
    where purchase_days.is_purchase_day
    group by calibration_ends.fit_purpose, purchase_days.customer_id
),

summarised as (
    select
        first_purchases.fit_purpose,
        first_purchases.customer_id,
        calibration_ends.calibration_end_date,
        first_purchases.first_purchase_date,
        count(
            case
                when
                    purchase_days.is_purchase_day
                    and purchase_days.purchase_date > first_purchases.first_purchase_date
                    and purchase_days.purchase_date < calibration_ends.calibration_end_date
                    then 1
            end
        ) as repeat_purchase_count,
        max(
            case
                when
                    purchase_days.is_purchase_day
                    and purchase_days.purchase_date < calibration_ends.calibration_end_date
                    then purchase_days.purchase_date
            end
        ) as last_purchase_date,
        {# Returns are netted: everything spent after the first purchase day, returns included. #}
        sum(
            case
                when
                    purchase_days.purchase_date > first_purchases.first_purchase_date
                    and purchase_days.purchase_date < calibration_ends.calibration_end_date
                    then purchase_days.net_amount
                else 0
            end
        ) as repeat_net_amount,
        count(
            case
                when
                    purchase_days.is_purchase_day
                    and purchase_days.purchase_date >= calibration_ends.calibration_end_date
                    and purchase_days.purchase_date < calibration_ends.holdout_end_date
                    then 1
            end
        ) as holdout_purchase_count,
        {{ dbt.datediff('calibration_ends.calibration_end_date', 'calibration_ends.holdout_end_date', 'day') }}
            as holdout_days
    from first_purchases
    inner join calibration_ends
        on first_purchases.fit_purpose = calibration_ends.fit_purpose
    inner join purchase_days
        on first_purchases.customer_id = purchase_days.customer_id
    group by
        first_purchases.fit_purpose,
        first_purchases.customer_id,
        calibration_ends.calibration_end_date,
        calibration_ends.holdout_end_date,
        first_purchases.first_purchase_date
),

in_days as (
    select
        *,
        {{ dbt.datediff('first_purchase_date', 'last_purchase_date', 'day') }} as recency_days, -- noqa: LT05
        {# Age runs to the last day of history, the day before the calibration end. #}
        {{ dbt.datediff('first_purchase_date', 'calibration_end_date', 'day') }} - 1 as age_days -- noqa: LT05
    from summarised
),

final as (
    select
        fit_purpose || '|' || customer_id as clv_summary_id,
        fit_purpose,
        customer_id,
        calibration_end_date,
        first_purchase_date,
        last_purchase_date,
        repeat_purchase_count as frequency,
        recency_days / {{ time_unit_days }} as recency_time_units,
        age_days / {{ time_unit_days }} as age_time_units,
        case
            when repeat_purchase_count > 0 then repeat_net_amount / repeat_purchase_count else 0
        end as avg_repeat_spend_amount,
        holdout_purchase_count,
        holdout_days / {{ time_unit_days }} as holdout_time_units
    from in_days
)

select * from final

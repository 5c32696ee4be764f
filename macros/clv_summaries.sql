{#- The CLV inputs of every customer as of one or more cut-offs, shared by the fits' inputs
    (int_clv_calibration_summaries) and the learned model's training windows
    (int_clv_training_windows), so a model is trained on exactly the features it is later
    given. `purchase_days` names a CTE at int_customer_purchase_days' grain; `calibration_ends`
    one with fit_purpose, calibration_end_date and holdout_end_date, one row per cut-off. Only
    purchase days before a cut-off make its features; the days from the cut-off to its holdout
    end make its labels (holdout_purchase_count, holdout_net_amount). Time is in units of
    clv_time_unit_days, measured to the last day of history (the day before the cut-off), as
    in the published CDNOW analyses. The last CTE is clv_summaries. -#}
{% macro clv_summary_ctes(purchase_days, calibration_ends) %}
{%- set time_unit_days = positive_var('clv_time_unit_days', whole_number=false) -%}
clv_first_purchases as (
    select
        {{ calibration_ends }}.fit_purpose,
        {{ calibration_ends }}.calibration_end_date,
        {{ purchase_days }}.customer_id,
        min({{ purchase_days }}.purchase_date) as first_purchase_date
    from {{ purchase_days }}
    inner join {{ calibration_ends }}
        on {{ purchase_days }}.purchase_date < {{ calibration_ends }}.calibration_end_date
    where {{ purchase_days }}.is_purchase_day
    group by
        {{ calibration_ends }}.fit_purpose,
        {{ calibration_ends }}.calibration_end_date,
        {{ purchase_days }}.customer_id
),

clv_summarised as (
    select
        clv_first_purchases.fit_purpose,
        clv_first_purchases.customer_id,
        clv_first_purchases.calibration_end_date,
        {{ calibration_ends }}.holdout_end_date,
        clv_first_purchases.first_purchase_date,
        count(
            case
                when
                    {{ purchase_days }}.is_purchase_day
                    and {{ purchase_days }}.purchase_date > clv_first_purchases.first_purchase_date
                    and {{ purchase_days }}.purchase_date < clv_first_purchases.calibration_end_date
                    then 1
            end
        ) as repeat_purchase_count,
        max(
            case
                when
                    {{ purchase_days }}.is_purchase_day
                    and {{ purchase_days }}.purchase_date < clv_first_purchases.calibration_end_date
                    then {{ purchase_days }}.purchase_date
            end
        ) as last_purchase_date,
        {# Returns are netted: everything spent after the first purchase day, returns included. #}
        sum(
            case
                when
                    {{ purchase_days }}.purchase_date > clv_first_purchases.first_purchase_date
                    and {{ purchase_days }}.purchase_date < clv_first_purchases.calibration_end_date
                    then {{ purchase_days }}.net_amount
                else 0
            end
        ) as repeat_net_amount,
        count(
            case
                when
                    {{ purchase_days }}.is_purchase_day
                    and {{ purchase_days }}.purchase_date >= clv_first_purchases.calibration_end_date
                    and {{ purchase_days }}.purchase_date < {{ calibration_ends }}.holdout_end_date
                    then 1
            end
        ) as holdout_purchase_count,
        sum(
            case
                when
                    {{ purchase_days }}.purchase_date >= clv_first_purchases.calibration_end_date
                    and {{ purchase_days }}.purchase_date < {{ calibration_ends }}.holdout_end_date
                    then {{ purchase_days }}.net_amount
                else 0
            end
        ) as holdout_net_amount,
        {{ dbt.datediff(
            'clv_first_purchases.calibration_end_date',
            calibration_ends ~ '.holdout_end_date',
            'day'
        ) }} as holdout_days
    from clv_first_purchases
    inner join {{ calibration_ends }}
        on
            clv_first_purchases.fit_purpose = {{ calibration_ends }}.fit_purpose
            and clv_first_purchases.calibration_end_date = {{ calibration_ends }}.calibration_end_date
    inner join {{ purchase_days }}
        on clv_first_purchases.customer_id = {{ purchase_days }}.customer_id
    group by
        clv_first_purchases.fit_purpose,
        clv_first_purchases.customer_id,
        clv_first_purchases.calibration_end_date,
        {{ calibration_ends }}.holdout_end_date,
        clv_first_purchases.first_purchase_date
),

clv_in_days as (
    select
        *,
        {{ dbt.datediff('first_purchase_date', 'last_purchase_date', 'day') }} as recency_days,
        {# Age runs to the last day of history, the day before the calibration end. #}
        {{ dbt.datediff('first_purchase_date', 'calibration_end_date', 'day') }} - 1 as age_days
    from clv_summarised
),

clv_summaries as (
    select
        fit_purpose,
        customer_id,
        calibration_end_date,
        holdout_end_date,
        first_purchase_date,
        last_purchase_date,
        repeat_purchase_count as frequency,
        recency_days / {{ time_unit_days }} as recency_time_units,
        age_days / {{ time_unit_days }} as age_time_units,
        {#- In double on every engine: Spark divides decimals at a fixed scale, which moved
            the Gamma-Gamma fit (and every spend prediction) in the eighth digit. -#}
        case
            when repeat_purchase_count > 0
                then cast(repeat_net_amount as double) / repeat_purchase_count
            else 0
        end as avg_repeat_spend_amount,
        repeat_net_amount,
        holdout_purchase_count,
        holdout_net_amount,
        holdout_days / {{ time_unit_days }} as holdout_time_units
    from clv_in_days
)
{%- endmacro %}

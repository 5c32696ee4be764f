{#- Migration matrix between consecutive snapshots of the history, for the K-means segments and
    for the RFM segment names. Customers scored in only one of the two snapshots move from or
    to '(not scored)', so every customer of both snapshots is counted once. -#}
with

customer_segment_history as (
    select * from {{ ref('customer_segment_history') }}
),

snapshot_dates as (
    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date) as previous_as_of_date
    from (select distinct as_of_date from customer_segment_history) as dates
),

memberships as (
    select
        customer_id,
        as_of_date,
        'kmeans' as segmentation,
        segment_id as membership_id,
        segment_name as membership
    from customer_segment_history
    union all
    select
        customer_id,
        as_of_date,
        'rfm' as segmentation,
        cast(null as integer) as membership_id,
        rfm_segment_name as membership
    from customer_segment_history
),

periods as (
    select
        previous_as_of_date as period_start_date,
        as_of_date as period_end_date
    from snapshot_dates
    where previous_as_of_date is not null
),

before_period as (
    select
        periods.period_start_date,
        periods.period_end_date,
        memberships.customer_id,
        memberships.segmentation,
        memberships.membership_id,
        memberships.membership
    from periods
    inner join memberships
        on periods.period_start_date = memberships.as_of_date
),

after_period as (
    select
        periods.period_start_date,
        periods.period_end_date,
        memberships.customer_id,
        memberships.segmentation,
        memberships.membership_id,
        memberships.membership
    from periods
    inner join memberships
        on periods.period_end_date = memberships.as_of_date
),

moves as (
    select
        coalesce(before_period.period_start_date, after_period.period_start_date) as period_start_date,
        coalesce(before_period.period_end_date, after_period.period_end_date) as period_end_date,
        coalesce(before_period.segmentation, after_period.segmentation) as segmentation,
        before_period.membership_id as from_segment_id,
        coalesce(before_period.membership, '(not scored)') as from_segment_name,
        after_period.membership_id as to_segment_id,
        coalesce(after_period.membership, '(not scored)') as to_segment_name
    from before_period
    full outer join after_period
        on
            before_period.period_end_date = after_period.period_end_date
            and before_period.customer_id = after_period.customer_id
            and before_period.segmentation = after_period.segmentation
),

counted as (
    select
        segmentation,
        period_start_date,
        period_end_date,
        from_segment_id,
        from_segment_name,
        to_segment_id,
        to_segment_name,
        count(*) as customer_count
    from moves
    group by all
),

final as (
    select
        *,
        customer_count / sum(customer_count) over (
            partition by segmentation, period_end_date, from_segment_name
        ) as share_of_from_segment,
        from_segment_name = to_segment_name as is_same_segment
    from counted
)

select * from final

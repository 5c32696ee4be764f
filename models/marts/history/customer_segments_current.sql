{#- Current and previous segment per customer (as Klaviyo shows them): the segment as of this
    build, the one at the previous snapshot in the history, and since when the customer has
    been in the current segment without a break. -#}
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_segment_history as (
    select * from {{ ref('customer_segment_history') }}
),

earlier_snapshots as (
    select history.*
    from customer_segment_history as history
    inner join customer_segments
        on
            history.customer_id = customer_segments.customer_id
            and history.as_of_date < customer_segments.as_of_date
),

previous_snapshot as (
    select *
    from earlier_snapshots
    qualify row_number() over (partition by customer_id order by as_of_date desc) = 1
),

last_other_segment as (
    {# The latest snapshot in which the customer was in another segment. #}
    select
        earlier_snapshots.customer_id,
        max(earlier_snapshots.as_of_date) as last_other_date
    from earlier_snapshots
    inner join customer_segments
        on earlier_snapshots.customer_id = customer_segments.customer_id
    where earlier_snapshots.segment_id <> customer_segments.segment_id
    group by earlier_snapshots.customer_id
),

streak_start as (
    {# The first snapshot after that one: the start of the current unbroken run. #}
    select
        earlier_snapshots.customer_id,
        min(earlier_snapshots.as_of_date) as first_date_in_streak
    from earlier_snapshots
    left join last_other_segment
        on earlier_snapshots.customer_id = last_other_segment.customer_id
    where earlier_snapshots.as_of_date > coalesce(last_other_segment.last_other_date, date '0001-01-01')
    group by earlier_snapshots.customer_id
),

final as (
    select
        customer_segments.customer_id,
        customer_segments.as_of_date,
        customer_segments.segment_id,
        customer_segments.segment_name,
        previous_snapshot.as_of_date as previous_as_of_date,
        previous_snapshot.segment_id as previous_segment_id,
        previous_snapshot.segment_name as previous_segment_name,
        coalesce(previous_snapshot.segment_id <> customer_segments.segment_id, false) as has_changed_segment,
        coalesce(streak_start.first_date_in_streak, customer_segments.as_of_date) as segment_changed_date,
        {{ dbt.datediff('coalesce(streak_start.first_date_in_streak, customer_segments.as_of_date)',
            'customer_segments.as_of_date', 'day') }} as days_in_segment
    from customer_segments
    left join previous_snapshot
        on customer_segments.customer_id = previous_snapshot.customer_id
    left join streak_start
        on customer_segments.customer_id = streak_start.customer_id
)

select * from final

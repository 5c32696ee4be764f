{#- How stable are segments from one snapshot to the next? Among customers scored in both,
    the share who kept their segment, and the adjusted Rand index between the two assignments
    (computed from the contingency table: 1 = same partition, 0 = chance). Meaningful because
    segment ids carry over between runs. -#}
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

paired as (
    {# Customers scored in both snapshots of a period, with both assignments. #}
    select
        snapshot_dates.previous_as_of_date as period_start_date,
        snapshot_dates.as_of_date as period_end_date,
        'kmeans' as segmentation,
        cast(earlier_snapshot.segment_id as string) as from_segment,
        cast(later_snapshot.segment_id as string) as to_segment
    from snapshot_dates
    inner join customer_segment_history as earlier_snapshot
        on snapshot_dates.previous_as_of_date = earlier_snapshot.as_of_date
    inner join customer_segment_history as later_snapshot
        on
            earlier_snapshot.customer_id = later_snapshot.customer_id
            and snapshot_dates.as_of_date = later_snapshot.as_of_date
    union all
    select
        snapshot_dates.previous_as_of_date as period_start_date,
        snapshot_dates.as_of_date as period_end_date,
        'rfm' as segmentation,
        earlier_snapshot.rfm_segment_name as from_segment,
        later_snapshot.rfm_segment_name as to_segment
    from snapshot_dates
    inner join customer_segment_history as earlier_snapshot
        on snapshot_dates.previous_as_of_date = earlier_snapshot.as_of_date
    inner join customer_segment_history as later_snapshot
        on
            earlier_snapshot.customer_id = later_snapshot.customer_id
            and snapshot_dates.as_of_date = later_snapshot.as_of_date
),

cells as (
    select
        period_start_date,
        period_end_date,
        segmentation,
        from_segment,
        to_segment,
        count(*) as customer_count
    from paired
    group by all
),

cell_pairs as (
    {# Pairs of customers together in a cell / a row / a column, as sums of n choose 2. #}
    select
        period_start_date,
        period_end_date,
        segmentation,
        sum(customer_count) as customers_in_both,
        sum(customer_count) filter (where from_segment = to_segment) as customers_kept,
        sum(customer_count * (customer_count - 1) / 2) as pairs_in_cells
    from cells
    group by all
),

row_pairs as (
    select
        period_end_date,
        segmentation,
        sum(from_count * (from_count - 1) / 2) as pairs_in_rows
    from (
        select
            period_end_date,
            segmentation,
            sum(customer_count) as from_count
        from cells
        group by period_end_date, segmentation, from_segment
    ) as row_totals
    group by all
),

column_pairs as (
    select
        period_end_date,
        segmentation,
        sum(to_count * (to_count - 1) / 2) as pairs_in_columns
    from (
        select
            period_end_date,
            segmentation,
            sum(customer_count) as to_count
        from cells
        group by period_end_date, segmentation, to_segment
    ) as column_totals
    group by all
),

final as (
    select
        cell_pairs.segmentation,
        cell_pairs.period_start_date,
        cell_pairs.period_end_date,
        cell_pairs.customers_in_both,
        coalesce(cell_pairs.customers_kept, 0) as customers_kept,
        coalesce(cell_pairs.customers_kept, 0) / cell_pairs.customers_in_both as kept_segment_share,
        (
            cell_pairs.pairs_in_cells
            - row_pairs.pairs_in_rows * column_pairs.pairs_in_columns
            / (cell_pairs.customers_in_both * (cell_pairs.customers_in_both - 1) / 2)
        )
        / nullif(
            (row_pairs.pairs_in_rows + column_pairs.pairs_in_columns) / 2
            - row_pairs.pairs_in_rows * column_pairs.pairs_in_columns
            / (cell_pairs.customers_in_both * (cell_pairs.customers_in_both - 1) / 2),
            0
        ) as adjusted_rand_index
    from cell_pairs
    inner join row_pairs
        on
            cell_pairs.period_end_date = row_pairs.period_end_date
            and cell_pairs.segmentation = row_pairs.segmentation
    inner join column_pairs
        on
            cell_pairs.period_end_date = column_pairs.period_end_date
            and cell_pairs.segmentation = column_pairs.segmentation
)

select * from final

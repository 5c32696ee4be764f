{#- One date for the whole build. The var wins; otherwise the day after the last day in the
    data, taken from the data (never current_date), so a rebuild of the same files gives the
    same marts: the last order, or for a format of customer-level aggregates the day its
    figures were measured. -#}
{%- set as_of_date_var = as_of_date_var() -%}
{#- The file whose rows date the build: order lines, or a customer-level file's rows. -#}
{%- set dated_table = 'order_lines' if 'order_lines' in raw_tables() else 'customers' -%}
{#- Unit tests run without the sources in `graph`: there the table's name stands for the file. -#}
{%- set dated_file = raw_file_name(dated_table, raw_format()) if 'sources' in graph else dated_table -%}
{%- set dated_base_model = 'base_' ~ raw_format() ~ '__' ~ dated_table -%}

with

order_lines as (
    select * from {{ staged('order_lines') }}
),

customer_summaries as (
    select * from {{ staged('customer_summaries') }}
),

last_order as (
    select
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from order_lines
),

last_measurement as (
    select max(measured_on_date) as last_measured_on_date
    from customer_summaries
),

last_day as (
    select
        last_order.first_ordered_at,
        last_order.last_ordered_at,
        last_measurement.last_measured_on_date,
        {# greatest() skips nulls: each format fills one of the two. #}
        greatest(cast(last_order.last_ordered_at as date), last_measurement.last_measured_on_date)
            as last_data_date
    from last_order
    cross join last_measurement
),

{%- if as_of_date_var %}

checked_last_day as (
    {#- A date on or before the first order leaves no history: every segment table would be
        empty and the build would fail on tests that do not name the date. -#}
    select *
    from last_day
    where
        case
            when first_ordered_at >= cast('{{ as_of_date_var }}' as date)
                then {{ fail_query(
                    "'The var as_of_date (" ~ as_of_date_var ~ ") is on or before the first order"
                    ~ " line that passed staging (' || cast(first_ordered_at as "
                    ~ dbt.type_string() ~ ") || '), so no history comes before it. Set a later"
                    ~ " as_of_date, or leave it unset to take the day after the last order.'") }}
            else true
        end
),
{%- else %}

checked_last_day as (
    {#- Without the var the date comes from the data: with no clean line there is none, and every
        mart would be empty. Say why here rather than through a failed not_null test downstream.
        A filter, not a column: engines drop an unread column without evaluating it. -#}
    select *
    from last_day
    where
        case
            when last_data_date is null
                then {{ fail_query(
                    "'as_of_date cannot be taken from the data: no row of " ~ dated_file
                    ~ " passed staging. Every row was quarantined (see rejection_reason in the"
                    ~ " staging model " ~ dated_base_model ~ ") or the file holds none. Fix the"
                    ~ " file, or set the var as_of_date.'") }}
            else true
        end
),
{%- endif %}

final as (
    select
        {% if as_of_date_var -%}
        cast('{{ as_of_date_var }}' as date) as as_of_date,
        'var' as as_of_date_source,
        {%- else -%}
        cast({{ dbt.dateadd('day', 1, 'last_data_date') }} as date) as as_of_date,
        'data' as as_of_date_source,
        {%- endif %}
        last_ordered_at,
        last_measured_on_date
    from checked_last_day
)

select * from final

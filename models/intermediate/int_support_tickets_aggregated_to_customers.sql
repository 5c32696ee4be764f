with

support_tickets as (
    select * from {{ staged('support_tickets') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

aggregated_to_customers as (
    select
        support_tickets.customer_id,
        count(*) as support_ticket_count,
        {# Open as of as_of_date: a resolution after it had not happened yet. #}
        count(
            case
                when support_tickets.resolved_at is null or support_tickets.resolved_at >= as_of.as_of_date
                    then 1
            end
        ) as open_support_ticket_count,
        avg(
            case when support_tickets.resolved_at < as_of.as_of_date then support_tickets.csat_score end
        ) as avg_csat_score
    from support_tickets
    cross join as_of
    where support_tickets.opened_at < as_of.as_of_date
    group by support_tickets.customer_id
)

select * from aggregated_to_customers

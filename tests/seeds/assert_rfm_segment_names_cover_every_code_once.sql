{#- Every one of the 125 combinations of three scores 1-5 has exactly one row, and its code
    spells its scores. Returns the combinations that are missing, doubled or misspelt. -#}
with

rfm_segment_names as (
    select * from {{ ref('rfm_segment_names') }}
),

scores as (
    {#- A VALUES table: the alias is what names its column alike on DuckDB and Spark. #}
    select score from (values (1), (2), (3), (4), (5)) as scores (score)  -- noqa: AL05
),

every_code as (
    select
        recency.score as recency_score,
        frequency.score as frequency_score,
        monetary.score as monetary_score
    from scores as recency
    cross join scores as frequency
    cross join scores as monetary
),

matches as (
    select
        every_code.recency_score,
        every_code.frequency_score,
        every_code.monetary_score,
        count(rfm_segment_names.rfm_code) as matching_row_count,
        min(rfm_segment_names.rfm_code) as rfm_code
    from every_code
    left join rfm_segment_names
        on
            every_code.recency_score = rfm_segment_names.recency_score
            and every_code.frequency_score = rfm_segment_names.frequency_score
            and every_code.monetary_score = rfm_segment_names.monetary_score
    group by 1, 2, 3
)

select *
from matches
where
    matching_row_count <> 1
    or rfm_code <> cast(recency_score as string) || cast(frequency_score as string) || cast(monetary_score as string)

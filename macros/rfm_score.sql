{#- One RFM score, 1 (worst) to 5 (best), from a customer's rank() among `customer_count`
    customers ordered worst first: ranks 1..n spread over 1..5 by (rank - 1) / (n - 1), so the
    best customer scores 5 however few there are, and ties share the score of their first rank.
    When `measure_varies` is false every customer has the same value, which says nothing about
    anyone: all score the middle, 3, not the lowest. Doc block rfm_score has the why. -#}
{% macro rfm_score(rank_column, customer_count_column, measure_varies_column) %}
    case
        when not {{ measure_varies_column }} then 3
        else least(5, cast(1 + floor(
            5.0 * ({{ rank_column }} - 1) / nullif({{ customer_count_column }} - 1, 0)
        ) as integer))
    end
{%- endmacro %}

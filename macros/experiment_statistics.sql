{#- Two-sided 95% intervals and power for a treatment/control comparison, as SQL expressions
    that every engine evaluates alike (no statistics library in the warehouse). side is -1 for
    the lower bound and 1 for the upper. Constants are written 1e0, not 1.0: Spark reads 1.0
    as a decimal and would divide in decimals. The method, with references, is the doc block
    campaign_lift_method. -#}

{% macro z_975() -%}
    1.959963984540054
{%- endmacro %}

{% macro wilson_bound(successes, trials, side) -%}
    {#- Wilson's score interval for a proportion: unlike p +/- z*se it stays inside [0, 1] and
        keeps its coverage near 0 and 1, where conversion rates live. -#}
    (
        (
            {{ successes }} / {{ trials }}
            + {{ z_975() }} * {{ z_975() }} / (2e0 * {{ trials }})
            + ({{ side }}) * {{ z_975() }} * sqrt(
                ({{ successes }} / {{ trials }}) * (1 - {{ successes }} / {{ trials }}) / {{ trials }}
                + {{ z_975() }} * {{ z_975() }} / (4e0 * {{ trials }} * {{ trials }})
            )
        )
        / (1 + {{ z_975() }} * {{ z_975() }} / {{ trials }})
    )
{%- endmacro %}

{% macro newcombe_difference_bound(successes_a, trials_a, successes_b, trials_b, side) -%}
    {#- Newcombe's hybrid score interval (his method 10) for p_a - p_b, built from the two
        Wilson intervals. -#}
    {%- set rate_a = '(' ~ successes_a ~ ' / ' ~ trials_a ~ ')' -%}
    {%- set rate_b = '(' ~ successes_b ~ ' / ' ~ trials_b ~ ')' -%}
    {%- if side == -1 -%}
        ({{ rate_a }} - {{ rate_b }} - sqrt(
            power({{ rate_a }} - {{ wilson_bound(successes_a, trials_a, -1) }}, 2)
            + power({{ wilson_bound(successes_b, trials_b, 1) }} - {{ rate_b }}, 2)
        ))
    {%- else -%}
        ({{ rate_a }} - {{ rate_b }} + sqrt(
            power({{ wilson_bound(successes_a, trials_a, 1) }} - {{ rate_a }}, 2)
            + power({{ rate_b }} - {{ wilson_bound(successes_b, trials_b, -1) }}, 2)
        ))
    {%- endif -%}
{%- endmacro %}

{% macro t_975(degrees_of_freedom) -%}
    {#- Student's t 0.975 quantile by the Cornish-Fisher expansion in 1/df (Abramowitz and
        Stegun 26.7.5, four terms): 0.02 under the exact value at 3 degrees of freedom, within
        0.003 from 5 up, and the normal 1.96 in the limit. Groups that small say nothing
        about lift anyway. -#}
    {%- set z = z_975() -%}
    {%- set df = '(' ~ degrees_of_freedom ~ ')' -%}
    (
        {{ z }}
        + (power({{ z }}, 3) + {{ z }}) / (4 * {{ df }})
        + (5 * power({{ z }}, 5) + 16 * power({{ z }}, 3) + 3 * {{ z }}) / (96 * power({{ df }}, 2))
        + (3 * power({{ z }}, 7) + 19 * power({{ z }}, 5) + 17 * power({{ z }}, 3) - 15 * {{ z }})
        / (384 * power({{ df }}, 3))
    )
{%- endmacro %}

{% macro minimum_detectable_difference(standard_deviation, count_a, count_b) -%}
    {#- The smallest true difference of means (or rates, with the standard deviation
        sqrt(p(1-p))) that a two-sided test at alpha 0.05 detects with power 0.8 for these
        group sizes: (z_0.975 + z_0.8) * sd * sqrt(1/n_a + 1/n_b). -#}
    ((1.959963984540054 + 0.8416212335729143) * {{ standard_deviation }}
        * sqrt(1e0 / {{ count_a }} + 1e0 / {{ count_b }}))
{%- endmacro %}

{% macro relative_lift_bound(log_ratio, standard_error, side) -%}
    {#- A bound of a ratio's 95% interval on the log scale, as a relative lift (ratio - 1):
        symmetric around the log ratio, so the lift can fall by at most 100%. -#}
    (exp({{ log_ratio }} + ({{ side }}) * {{ z_975() }} * {{ standard_error }}) - 1)
{%- endmacro %}

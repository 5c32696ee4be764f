{#- History: one row per as-of date ever built. Survives rebuilds and `--full-refresh`; only
    `--vars '{reset_segment_history: true}'` with --full-refresh starts it again. -#}
{{ segment_history_config() }}

with

segmentation_fit as (
    select * from {{ segmentation_fit() }}
),

run as (
    select
        cast(as_of_date as date) as as_of_date,
        cast(k as integer) as k,
        cast(seed as integer) as seed,
        selection_reason,
        feature_list,
        scaler_parameters,
        settings,
        data_fingerprint,
        scored_customer_count,
        silhouette_score,
        bootstrap_ari_mean,
        bootstrap_ari_min,
        rule_fidelity,
        cast(previous_as_of_date as date) as previous_as_of_date,
        matched_segment_count,
        new_segment_ids,
        vanished_segment_ids,
        cast(highest_segment_id as integer) as highest_segment_id,
        segment_mode,
        cast(fitted_as_of_date as date) as fitted_as_of_date,
        distance_p95,
        method_version,
        cast(requested_segment_count as integer) as requested_segment_count,
        '{{ invocation_id }}' as dbt_invocation_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at
    from segmentation_fit
    where row_kind = 'run'
)

select * from run

{#- No training example of the learned model may see past its fit's calibration end: its label
    window must close by then (its features are before its own, earlier cut-off, which
    int_clv_training_windows' expression test checks). Returns the examples that do not. -#}
with

training_windows as (
    select * from {{ ref('int_clv_training_windows') }}
),

fits as (
    select distinct
        fit_purpose,
        calibration_end_date
    from {{ ref('int_clv_calibration_summaries') }}
),

late as (
    select training_windows.*
    from training_windows
    inner join fits on training_windows.fit_purpose = fits.fit_purpose
    where
        training_windows.holdout_end_date > fits.calibration_end_date
        or training_windows.calibration_end_date >= fits.calibration_end_date
)

select * from late

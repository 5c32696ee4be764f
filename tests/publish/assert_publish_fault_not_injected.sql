{#- Off unless the var publish_fault_injection is true: then it fails, as an error-severity
    test of a real build would, so src/tests/test_publish.py can show that a build whose test
    fails leaves the published warehouse as it was. No raw input is known to make one of the
    project's own error tests fail (staging quarantines first), hence the switch. -#}
{{ config(enabled=var('publish_fault_injection', false)) }}

select 'publish_fault_injection is true: this build must not be published' as failure_reason

{#- Passes unless the var publish_fault_injection is true: then it fails, as an error-severity
    test of a real build would, so src/tests/test_publish.py can show that a build whose test
    fails leaves the published warehouse as it was. No raw input is known to make one of the
    project's own error tests fail (staging quarantines first), hence the switch. Always
    enabled, so its description in _publish__tests.yml finds it (a disabled test made every
    build warn "Did not find matching node for patch"). -#}
select 'publish_fault_injection is true: this build must not be published' as failure_reason
where {{ 'true' if var('publish_fault_injection', false) | string | lower == 'true' else 'false' }}

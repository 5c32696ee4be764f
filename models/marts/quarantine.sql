{#- One row per quarantined raw row and reason, from every raw file of the active format: rows
    rejected whole or set aside, duplicates removed, and values set null or logged on rows that
    were kept. -#}
{%- set raw_format = raw_format() -%}
{%- set raw_tables = raw_tables() -%}

with

{% for table_name in raw_tables -%}
base_{{ table_name }} as (
    {#- Only rows with something to report keep their raw_record, so one filter on it finds them
        all. The base tables are read once and only for these rows: DuckDB materializes a CTE
        named three times, and with every row of every base table that spilled 4.6 GB and took
        18 s at 1M customers. -#}
    select
        '{{ raw_file_name(table_name, raw_format) }}' as source_file,
        record_key,
        is_rejected,
        rejection_reason,
        rejection_reasons,
        value_issues,
        raw_row_count,
        raw_record
    from {{ staged_base(table_name) }}
    where raw_record is not null
),

{% endfor -%}

{% if 'customers' in raw_tables -%}
customers_aged as (
    select * from {{ ref('int_customers_aged') }}
),

kept_customers as (
    {# Every kept customer: a birth year out of range is the only issue some of them have. #}
    select
        customer_id,
        record_key,
        raw_record
    from {{ staged_base('customers') }}
    where not is_rejected
),

{% endif -%}

unparseable_rows as (
    select * from {{ staged('unparseable_rows') }}
),

quarantine_reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

issues as (
    {% for table_name in raw_tables -%}
    {# Rows rejected or set aside: the first reason is reported; the rest are listed beside it. #}
    select
        source_file,
        record_key,
        rejection_reason as reason_code,
        {{ list_first('rejection_reasons') }}['column_name'] as column_name,
        {{ issue_reason_codes('rejection_reasons') }} as all_reason_codes,
        1 as affected_row_count,
        raw_record
    from base_{{ table_name }}
    where is_rejected

    union all

    {# Exact duplicates: one row per duplicated record, counting the copies removed. #}
    select
        source_file,
        record_key,
        'exact_duplicate' as reason_code,
        null as column_name,
        'exact_duplicate' as all_reason_codes,
        raw_row_count - 1 as affected_row_count,
        raw_record
    from base_{{ table_name }}
    where raw_row_count > 1

    union all

    {# Value issues of kept rows: one row per issue. #}
    select
        source_file,
        record_key,
        value_issue['reason_code'] as reason_code,
        value_issue['column_name'] as column_name,
        value_issue['reason_code'] as all_reason_codes,
        1 as affected_row_count,
        raw_record
    from (
        select
            source_file,
            record_key,
            raw_record,
            {{ unnest_list('value_issues') }} as value_issue
        from base_{{ table_name }}
        where not is_rejected
    )

    union all

    {% endfor -%}

    {# Records no reader could parse: one row per distinct raw text, counting its copies; the
       key is the record's number in the file (DuckDB only: Spark numbers nothing). #}
    select
        source_file,
        coalesce('record ' || cast(first_record_number as {{ dbt.type_string() }}), '') as record_key,
        'unparseable_row' as reason_code,
        null as column_name,
        'unparseable_row' as all_reason_codes,
        raw_row_count as affected_row_count,
        raw_record
    from unparseable_rows

    {% if 'customers' in raw_tables -%}
    union all

    {# Birth years are checked against the as-of year, which staging does not know. #}
    select
        '{{ raw_file_name('customers', raw_format) }}' as source_file,
        kept_customers.record_key,
        'out_of_range_value' as reason_code,
        'birth_year' as column_name,
        'out_of_range_value' as all_reason_codes,
        1 as affected_row_count,
        kept_customers.raw_record
    from customers_aged
    inner join kept_customers
        on customers_aged.customer_id = kept_customers.customer_id
    where customers_aged.is_birth_year_out_of_range
    {%- endif %}
),

final as (
    select
        md5(
            issues.source_file || '|' || issues.reason_code || '|' || coalesce(issues.column_name, '')
            || '|' || issues.record_key || '|' || coalesce(issues.raw_record, '')
        ) as quarantine_id,
        issues.source_file,
        issues.record_key,
        issues.reason_code,
        issues.column_name,
        quarantine_reasons.quarantine_action,
        quarantine_reasons.is_row_rejected,
        issues.all_reason_codes,
        issues.affected_row_count,
        issues.raw_record
    from issues
    left join quarantine_reasons
        on issues.reason_code = quarantine_reasons.reason_code
)

select * from final

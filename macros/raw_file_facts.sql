{% macro raw_file_is_present(table_name, source_name='canonical') -%}
    {#- A SQL boolean literal, decided when the model runs (the folder may change between runs). -#}
    {%- if execute and raw_file_exists(raw_file_path(table_name, source_name)) -%}
        true
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}


{% macro supplied_raw_files() -%}
    {#- The active format's raw tables whose file the folder holds, looked up when the model
        runs (none at parse time): what raw_file_is_present says, as one list a unit test can
        override. -#}
    {%- set supplied = [] -%}
    {%- for table_name in raw_tables() if execute and raw_file_exists(raw_file_path(table_name, raw_format())) -%}
        {%- do supplied.append(table_name) -%}
    {%- endfor -%}
    {{ return(supplied) }}
{%- endmacro %}


{% macro raw_file_name(table_name, source_name='canonical') -%}
    {#- The file name the contract gives the table (meta raw_file, or the alternative found in
        raw_dir), for readers of quarantine. -#}
    {%- if execute -%}
        {{ raw_file_resolved_name(table_name, source_name) }}
    {%- else -%}
        {{ table_name }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_file_row_counts(source_name) -%}
    {#- The body of each format's stg_<format>__raw_file_row_counts: every raw record counted
        straight from the files, independently of the base models, so the reconciliation
        compares two separate reads. One row per raw table of the format. -#}
    {%- set raw_tables = raw_tables() -%}
    with

    {% for table_name in raw_tables %}
    {{ table_name }} as (
        select
            '{{ table_name }}' as source_table,
            '{{ raw_file_name(table_name, source_name) }}' as source_file,
            {{ raw_file_is_present(table_name, source_name) }} as is_file_present,
            {#- Records, not lines: the parsed ones plus those no reader could parse. -#}
            count(*) + coalesce((
                select sum(unparseable_rows.raw_row_count)
                from {{ ref('stg_' ~ source_name ~ '__unparseable_rows') }} as unparseable_rows
                where unparseable_rows.source_table = '{{ table_name }}'
            ), 0) as raw_row_count
        from {{ raw_source(table_name, source_name) }}
    ),

    {% endfor -%}

    unioned as (
        {% for table_name in raw_tables -%}
        select * from {{ table_name }}
        {% if not loop.last %}union all
        {% endif %}
        {%- endfor %}
    )

    select * from unioned
{%- endmacro %}



{% macro raw_file_unparseable_rows(source_name) -%}
    {#- The body of each format's stg_<format>__unparseable_rows: one row per distinct record
        of a raw file that cannot be read as CSV (too many or too few fields, an unclosed
        quote), with its raw text; the readers skip such records, quarantine reports them. -#}
    {%- set raw_tables = raw_tables() -%}
    {#- The files are read in run_query() calls dbt does not see when it parses: naming each
        source here puts the raw files upstream of the model in the lineage. -#}
    {%- for table_name in raw_tables -%}
        {%- do source(source_name, table_name) -%}
    {%- endfor %}
    with

    {% for table_name in raw_tables %}
    {{ table_name }} as (
        {%- if execute and raw_file_exists(raw_file_path(table_name, source_name)) %}
        {{ adapter.dispatch('raw_file_rejected_records', 'customer_segmentation')(table_name, source_name) }}
        {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as raw_record,
            cast(null as bigint) as first_record_number,
            cast(null as bigint) as raw_row_count
        where 1 = 0
        {%- endif %}
    ),

    {% endfor -%}

    unioned as (
        {% for table_name in raw_tables -%}
        select
            '{{ table_name }}' as source_table,
            '{{ raw_file_name(table_name, source_name) }}' as source_file,
            {#- The line breaks around a record end it (or the one before): not its text. -#}
            {{ trim_line_breaks('raw_record') }} as raw_record,
            min(first_record_number) as first_record_number,
            sum(raw_row_count) as raw_row_count
        from {{ table_name }}
        group by {{ trim_line_breaks('raw_record') }}
        {% if not loop.last %}union all
        {% endif %}
        {%- endfor %}
    )

    select * from unioned
{%- endmacro %}


{% macro duckdb__raw_file_rejected_records(table_name, source_name) -%}
    {#- The file is read once more with store_rejects into temporary tables of this model's
        connection; one row per record (a record with two extra fields has two errors). -#}
    {%- set rejects_table = 'unparseable_' ~ source_name ~ '__' ~ table_name -%}
    {%- do run_query('drop table if exists ' ~ rejects_table ~ '; drop table if exists ' ~ rejects_table ~ '_scans') -%}
    {%- do run_query('select count(*) from ' ~ raw_source(table_name, source_name, rejects_table)) -%}
        select
            any_value(csv_line) as raw_record,
            line as first_record_number,
            1 as raw_row_count
        from {{ rejects_table }}
        group by line
{%- endmacro %}


{% macro spark__raw_file_rejected_records(table_name, source_name) -%}
    {#- The PERMISSIVE twin of the table keeps each unparseable record in _corrupt_record; no
        line numbers. Spark refuses a query that reads only that column, hence a data column in
        the count (coalesced with the record, so every row counts). -#}
    {%- set first_column = run_query('select * from ' ~ source_name ~ '.' ~ table_name ~ '__unparseable limit 0').column_names[0] -%}
        select
            _corrupt_record as raw_record,
            cast(null as bigint) as first_record_number,
            count(coalesce(`{{ first_column }}`, _corrupt_record)) as raw_row_count
        from {{ source_name }}.{{ table_name }}__unparseable
        where _corrupt_record is not null
        group by _corrupt_record
        union all
        select
            raw_record,
            cast(null as bigint) as first_record_number,
            1 as raw_row_count
        from {{ source_name }}.{{ table_name }}__unterminated
{%- endmacro %}


{% macro trim_line_breaks(column_name) -%}
    {#- Leading and trailing CR/LF removed; two regexp_replace calls because DuckDB replaces only
        the first match without its 'g' flag, which Spark does not take. -#}
    regexp_replace(regexp_replace({{ column_name }}, '^[\r\n]+', ''), '[\r\n]+$', '')
{%- endmacro %}

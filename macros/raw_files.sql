{#- Everything that touches the raw folder goes through these macros, so the rules for a
    missing, malformed or empty file live in one place. -#}

{% macro raw_source_node(table_name, source_name='canonical') %}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("No source '" ~ source_name ~ "." ~ table_name ~ "' is declared.") }}
{% endmacro %}


{% macro raw_source_meta(node) %}
    {#- dbt 1.10+ keeps meta under config; older manifests have it at the top. -#}
    {%- set meta = {} -%}
    {%- do meta.update(node.meta or {}) -%}
    {%- do meta.update((node.config or {}).get('meta', {}) or {}) -%}
    {{ return(meta) }}
{% endmacro %}


{% macro raw_file_candidates(table_name, source_name='canonical') %}
    {#- The file names a table may have, preferred first: meta raw_file, then any
        raw_file_alternatives (e.g. online_retail.csv.gz, then online_retail.csv). -#}
    {%- set meta = raw_source_meta(raw_source_node(table_name, source_name)) -%}
    {{ return([meta['raw_file']] + (meta.get('raw_file_alternatives') or [])) }}
{% endmacro %}


{% macro raw_file_resolved_name(table_name, source_name='canonical') %}
    {#- The first candidate name that exists in raw_dir when the model runs; the preferred one
        when none does (or at parse time), so messages name the file the contract expects. -#}
    {%- set candidates = raw_file_candidates(table_name, source_name) -%}
    {%- if execute -%}
        {%- for file_name in candidates -%}
            {%- if raw_file_exists(var('raw_dir') ~ '/' ~ file_name) -%}
                {{ return(file_name) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(candidates[0]) }}
{% endmacro %}


{% macro raw_file_path(table_name, source_name='canonical') %}
    {{ return(var('raw_dir') ~ '/' ~ raw_file_resolved_name(table_name, source_name)) }}
{% endmacro %}


{% macro raw_file_exists(path) %}
    {{ return(adapter.dispatch('raw_file_exists', 'customer_segmentation')(path)) }}
{% endmacro %}

{% macro duckdb__raw_file_exists(path) %}
    {%- set result = run_query("select count(*) from glob('" ~ path | replace("'", "''") ~ "')") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}

{% macro spark__raw_file_exists(path) %}
    {#- Spark SQL has no glob(): the folder is listed once per session into a cached temporary
        view (the binaryFile source, path column only, never the contents), then looked up. -#}
    {%- set folder, file_name = path.rsplit('/', 1) if '/' in path else ['.', path] -%}
    {%- set listing = 'raw_folder_listing_' ~ local_md5(folder) -%}
    {%- if run_query("show views like '" ~ listing ~ "'") | length == 0 -%}
        {%- do run_query('cache table ' ~ listing ~ " as select substring_index(path, '/', -1) as file_name from binaryFile.`"
            ~ folder ~ "`") -%}
    {%- endif -%}
    {%- set result = run_query('select count(*) from ' ~ listing ~ " where file_name = '" ~ file_name | replace("'", "\\'") ~ "'") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}


{% macro register_raw_files(source_name) %}
    {{ return(adapter.dispatch('register_raw_files', 'customer_segmentation')(source_name)) }}
{% endmacro %}

{% macro duckdb__register_raw_files(source_name) %}
    {#- DuckDB reads the files in place through each source's external_location. -#}
    {{ return('') }}
{% endmacro %}

{% macro spark__register_raw_files(source_name) %}
    {#- Spark reads a file through a table over it: each present raw file becomes an external
        CSV table <source>.<table> (dropping it never deletes the file). Every column is text,
        as on DuckDB (no inferSchema); the quote is escaped by doubling it (RFC 4180). -#}
    {%- if not var('raw_dir').startswith('/') and '://' not in var('raw_dir') -%}
        {{ exceptions.raise_compiler_error("On Spark the var raw_dir must be an absolute path or a URI (got '"
            ~ var('raw_dir') ~ "'): Spark does not read a path relative to the project folder."
            ~ " make build TARGET=spark passes it absolute.") }}
    {%- endif -%}
    {%- do run_query('create schema if not exists ' ~ source_name) -%}
    {%- for node in graph.sources.values() | selectattr('source_name', 'equalto', source_name) -%}
        {%- set path = raw_file_path(node.name, source_name) -%}
        {#- The delimiter is meta csv_delimiter (a tab for marketing_campaign), a comma by default. -#}
        {%- set delimiter = raw_source_meta(node).get('csv_delimiter', ',') | replace('\t', '\\t') -%}
        {%- do run_query('drop table if exists ' ~ source_name ~ '.' ~ node.name) -%}
        {%- if raw_file_exists(path) -%}
            {%- do run_query('create table ' ~ source_name ~ '.' ~ node.name ~ " using csv options (path '"
                ~ path ~ "', header 'true', inferSchema 'false', sep '" ~ delimiter ~ "', quote '\"', escape '\"',"
                ~ " multiLine 'true', encoding 'UTF-8', mode 'PERMISSIVE')") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{% macro raw_source(table_name, source_name='canonical') %}
    {#- source() is always called so lineage shows the file even when it is absent. -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set node = raw_source_node(table_name, source_name) -%}
    {%- set file_name = raw_file_resolved_name(table_name, source_name) -%}
    {%- if raw_file_exists(raw_file_path(table_name, source_name)) -%}
        {%- set preferred = raw_source_meta(node)['raw_file'] -%}
        {#- The reader names the preferred file; an alternative that exists instead is read by the
            same reader with its name swapped in (read_csv detects gzip by the extension). -#}
        {{ return(relation if file_name == preferred else (relation | string).replace(
            '/' ~ preferred ~ "'", '/' ~ file_name ~ "'")) }}
    {%- endif -%}
    {#- An absent optional file reads as an empty table with the contract's columns. -#}
    {%- set columns = [] -%}
    {%- for column_name in node.columns -%}
        {%- do columns.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column_name) -%}
    {%- endfor -%}
    {{ return('(select ' ~ columns | join(', ') ~ ' where 1 = 0)') }}
{% endmacro %}


{% macro check_raw_files(source_name=none) %}
    {#- Runs as on-run-start: every problem found is reported at once, naming the file. -#}
    {%- set source_name = source_name or raw_format() -%}
    {%- if not execute or raw_format() != source_name -%}
        {{ return('') }}
    {%- endif -%}
    {%- do register_raw_files(source_name) -%}
    {%- set problems = [] -%}
    {%- for node in graph.sources.values() | selectattr('source_name', 'equalto', source_name) | sort(attribute='name') -%}
        {%- set meta = raw_source_meta(node) -%}
        {%- set path = raw_file_path(node.name, source_name) -%}
        {%- set is_required = meta.get('is_required', false) -%}
        {%- set candidates = raw_file_candidates(node.name, source_name) -%}
        {%- if not raw_file_exists(path) -%}
            {%- if is_required -%}
                {%- do problems.append(meta['raw_file'] ~ ': required file is missing (looked for ' ~ path
                    ~ (' or ' ~ candidates[1:] | join(' or ') if candidates | length > 1 else '') ~ ')') -%}
            {%- endif -%}
        {%- else -%}
            {%- set reader = raw_source(node.name, source_name) -%}
            {%- set header = run_query('select * from ' ~ reader ~ ' limit 0').column_names | map('lower') | map('trim') | list -%}
            {%- set missing = [] -%}
            {%- for column_name in node.columns if column_name | lower not in header -%}
                {%- do missing.append(column_name) -%}
            {%- endfor -%}
            {%- set generated_names = [] -%}
            {%- for column_name in header if modules.re.fullmatch('(column|_c)[0-9]+', column_name) -%}
                {%- do generated_names.append(column_name) -%}
            {%- endfor -%}
            {%- if generated_names | length == header | length -%}
                {%- do problems.append(meta['raw_file'] ~ ': no header row (the file is empty or its first line holds no column names)') -%}
            {%- elif missing -%}
                {%- do problems.append(meta['raw_file'] ~ ': wrong header, missing column(s) ' ~ missing | join(', ')
                    ~ '; the header has ' ~ header | join(', ')) -%}
            {%- elif is_required and run_query('select 1 from ' ~ reader ~ ' limit 1') | length == 0 -%}
                {%- do problems.append(meta['raw_file'] ~ ': required file has a header but no rows') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            'The raw folder ' ~ var('raw_dir') ~ ' breaks the ' ~ source_name ~ ' raw contract (README):\n  - '
            ~ problems | join('\n  - ')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro raw_tables() %}
    {#- The active format's raw files (source tables), in one list for every model that loops
        over them (row counts, quarantine, reconciliation). Static per format, because dbt must
        see the refs when it parses. Each has base_<format>__<table> and stg_<format>__<table>. -#}
    {{ return({
        'canonical': ['customers', 'order_lines', 'products', 'web_sessions', 'marketing_events',
            'support_tickets', 'survey_responses', 'product_reviews', 'exchange_rates'],
        'online_retail': ['order_lines'],
        'marketing_campaign': ['customers'],
    }[raw_format()]) }}
{% endmacro %}

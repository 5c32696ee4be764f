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
    {#- Spark SQL has no glob(): the folder is listed with the binaryFile source (path column
        only, never the contents) once per dbt invocation, and the names are kept in the
        `graph` context variable, a dict that lives as long as the invocation. The raw folder
        does not change during a build, and a lookup is asked for about 360 times in one: two
        Spark queries each cost about 70 seconds a build. -#}
    {%- set folder, file_name = path.rsplit('/', 1) if '/' in path else ['.', path] -%}
    {%- set listings = graph.setdefault('customer_segmentation_raw_folder_listings', {}) -%}
    {%- if folder not in listings -%}
        {%- set names = run_query("select distinct substring_index(path, '/', -1) from binaryFile.`"
            ~ folder ~ "`").columns[0].values() -%}
        {%- do listings.update({folder: names | list}) -%}
    {%- endif -%}
    {{ return(file_name in listings[folder]) }}
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
        as on DuckDB (no inferSchema); the quote is escaped by doubling it (RFC 4180). The table
        drops records that do not parse (DROPMALFORMED, like DuckDB's ignore_errors), and a twin
        <source>.<table>__unparseable (PERMISSIVE, the header's columns plus _corrupt_record)
        keeps their raw text for quarantine. A quote never closed is the one case Spark parses:
        its multi-line reader takes the rest of the file as the value, so that last record is
        found here and kept in <source>.<table>__unterminated (spark__unterminated_last_record),
        which raw_source leaves out and quarantine reports. -#}
    {%- if not var('raw_dir').startswith('/') and '://' not in var('raw_dir') -%}
        {{ exceptions.raise_compiler_error("On Spark the var raw_dir must be an absolute path or a URI (got '"
            ~ var('raw_dir') ~ "'): Spark does not read a path relative to the project folder."
            ~ " make build TARGET=spark passes it absolute.") }}
    {%- endif -%}
    {%- set encoding = {'utf-8': 'UTF-8', 'latin-1': 'ISO-8859-1', 'utf-16': 'UTF-16'}[raw_encoding()] -%}
    {%- do run_query('create schema if not exists ' ~ source_name) -%}
    {%- for node in graph.sources.values() | selectattr('source_name', 'equalto', source_name) -%}
        {%- set path = raw_file_path(node.name, source_name) -%}
        {%- set table = source_name ~ '.' ~ node.name -%}
        {#- The delimiter: raw_file_delimiter (a comma, or the one marketing_campaign's file uses). -#}
        {%- set delimiter = raw_file_delimiter(node, path) | replace('\t', '\\t') -%}
        {%- set options = "path '" ~ path ~ "', header 'true', inferSchema 'false', sep '" ~ delimiter
            ~ "', quote '\"', escape '\"', multiLine 'true', encoding '" ~ encoding ~ "'" -%}
        {%- do run_query('drop table if exists ' ~ table) -%}
        {%- do run_query('drop table if exists ' ~ table ~ '__unparseable') -%}
        {%- do run_query('drop table if exists ' ~ table ~ '__unterminated') -%}
        {%- if raw_file_exists(path) -%}
            {%- do run_query('create table ' ~ table ~ ' using csv options (' ~ options ~ ", mode 'DROPMALFORMED')") -%}
            {%- set columns = [] -%}
            {%- for column_name in run_query('select * from ' ~ table ~ ' limit 0').column_names -%}
                {%- do columns.append('`' ~ column_name ~ '` string') -%}
            {%- endfor -%}
            {%- do run_query('create table ' ~ table ~ '__unparseable (' ~ columns | join(', ')
                ~ ', _corrupt_record string) using csv options (' ~ options
                ~ ", mode 'PERMISSIVE', columnNameOfCorruptRecord '_corrupt_record')") -%}
            {#- RFC 4180 quotes come in pairs (a doubled quote inside a value is a pair too): an
                odd count means the file ends inside a quote. -#}
            {%- set quote_count = run_query("select coalesce(sum(length(value) - length(replace(value, '\"', ''))), 0)"
                ~ " from text.`" ~ path ~ "`").columns[0].values()[0] -%}
            {%- if quote_count % 2 == 1 -%}
                {%- do run_query('create table ' ~ table ~ '__unterminated using parquet as '
                    ~ spark__unterminated_last_record(path, table)) -%}
            {%- else -%}
                {%- do run_query('create table ' ~ table ~ '__unterminated (record_id bigint, raw_record string) using parquet') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{% macro spark__unterminated_last_record(path, table) %}
    {#- For a file that ends inside a quote: a select of (record_id, raw_record), its last
        record, which the multi-line reader read from the open quote to the end of the file, so
        it is the last row of <table>; no row when that record was malformed anyway (then the
        PERMISSIVE twin holds it). Its raw text: the lines after the last line at which the
        quotes seen so far are even (a record boundary), as DuckDB keeps it. Line and record
        order: the ids of monotonically_increasing_id(), in file order for one file. The twin's
        first column is read with _corrupt_record because Spark refuses a scan of that column
        alone. The text source reads UTF-8 only, so with raw_encoding latin-1 a non-ASCII
        character of this one raw text shows as U+FFFD. -#}
    {%- set quote_count = "length(value) - length(replace(value, '\"', ''))" -%}
    {%- set first_column = run_query('select * from ' ~ table ~ ' limit 0').column_names[0] -%}
    {{ return("with lines as (select value, monotonically_increasing_id() as line_id from text.`" ~ path ~ "`),"
        ~ " quotes as (select line_id, value, sum(" ~ quote_count ~ ") over (order by line_id"
        ~ " rows between unbounded preceding and current row) as quotes_so_far from lines),"
        ~ " record_start as (select coalesce(max(line_id), -1) as line_id from quotes where quotes_so_far % 2 = 0),"
        ~ " parsed as (select max(record_id) as record_id from (select *, monotonically_increasing_id() as record_id from " ~ table ~ ")),"
        ~ " twin as (select `" ~ first_column ~ "` as first_value, _corrupt_record,"
        ~ " monotonically_increasing_id() as record_id from " ~ table ~ "__unparseable),"
        ~ " last_is_parsed as (select max_by(struct(first_value, _corrupt_record), record_id)._corrupt_record is null"
        ~ " as is_parsed from twin),"
        ~ " raw_text as (select concat_ws('\n', transform(array_sort(collect_list(struct(quotes.line_id, quotes.value))),"
        ~ " line -> line.value)) as raw_record from quotes cross join record_start"
        ~ " where quotes.line_id > record_start.line_id)"
        ~ " select parsed.record_id, raw_text.raw_record"
        ~ " from parsed cross join raw_text cross join last_is_parsed"
        ~ " where last_is_parsed.is_parsed and parsed.record_id is not null") }}
{% endmacro %}


{% macro raw_encoding() %}
    {#- The encoding every reader decodes the raw files with (var raw_encoding): the three that
        DuckDB reads without its encodings extension, so both engines accept the same values. -#}
    {%- set value = (var('raw_encoding', 'utf-8') or 'utf-8') | lower -%}
    {%- if value not in ['utf-8', 'latin-1', 'utf-16'] -%}
        {{ exceptions.raise_compiler_error("The var raw_encoding must be one of utf-8, latin-1, utf-16; got '"
            ~ value ~ "' (Windows-1252 files read as latin-1).") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro raw_file_delimiter(node, path=none) %}
    {#- The field delimiter of a source's file: meta csv_delimiter, a comma by default; where meta
        csv_delimiters lists several (marketing_campaign: a tab as published, a semicolon or a
        comma in copies re-saved elsewhere), the one the file's header line (at `path`) holds
        most often, the first listed on a tie or where no file is read. -#}
    {%- set meta = raw_source_meta(node) -%}
    {%- set allowed = meta.get('csv_delimiters') or [meta.get('csv_delimiter', ',')] -%}
    {%- if allowed | length == 1 or path is none or not execute or not raw_file_exists(path) -%}
        {{ return(allowed[0]) }}
    {%- endif -%}
    {%- set header_line = raw_file_first_line(path) -%}
    {%- set most = namespace(delimiter=allowed[0], count=header_line.count(allowed[0])) -%}
    {%- for delimiter in allowed[1:] -%}
        {%- if header_line.count(delimiter) > most.count -%}
            {%- set most.delimiter = delimiter -%}
            {%- set most.count = header_line.count(delimiter) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(most.delimiter) }}
{% endmacro %}


{% macro raw_file_delimiter_hint(node, path) %}
    {#- For a header that lacks columns: when its line holds none of the format's delimiter but
        another common one (a spreadsheet saved with a locale's list separator writes
        semicolons), a sentence saying so; '' otherwise. -#}
    {%- set expected = raw_file_delimiter(node, path) -%}
    {%- set header_line = raw_file_first_line(path) -%}
    {%- set names = {',': "','", ';': "';'", '\t': 'tab', '|': "'|'"} -%}
    {%- if header_line.count(expected) > 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- for other in [';', '\t', '|', ','] if other != expected and header_line.count(other) > 0 -%}
        {{ return('. The header line holds no ' ~ names.get(expected, expected) ~ ' but '
            ~ header_line.count(other) ~ ' ' ~ names[other] ~ ': the file looks '
            ~ names[other] ~ '-separated, and this format\'s files are ' ~ names.get(expected, expected)
            ~ '-separated: save it again with that separator') }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{% macro raw_column_names(node, names) %}
    {#- The file's column names with the source's meta column_aliases applied, compared without
        case: the names another export of the same shape uses (Online Retail II writes
        `Customer ID` for `CustomerID`). -#}
    {%- set aliases = {} -%}
    {%- for alias, name in (raw_source_meta(node).get('column_aliases') or {}).items() -%}
        {%- do aliases.update({alias | lower: name}) -%}
    {%- endfor -%}
    {%- set renamed = [] -%}
    {%- for name in names -%}
        {%- do renamed.append(aliases.get(name | trim | lower, name)) -%}
    {%- endfor -%}
    {{ return(renamed) }}
{% endmacro %}


{% macro raw_file_first_line(path) %}
    {#- The file's first line as text ('' for an empty file). -#}
    {{ return(adapter.dispatch('raw_file_first_line', 'customer_segmentation')(path)) }}
{% endmacro %}

{% macro duckdb__raw_file_first_line(path) %}
    {%- set rows = run_query('select raw_line from ' ~ duckdb__raw_file_lines(path) ~ ' limit 1').rows -%}
    {{ return((rows[0][0] or '') if rows | length > 0 else '') }}
{% endmacro %}

{% macro spark__raw_file_first_line(path) %}
    {#- The text source keeps lines in file order; it reads UTF-8 only. -#}
    {%- set rows = run_query('select value from text.`' ~ path ~ '` limit 1').rows -%}
    {{ return((rows[0][0] or '') if rows | length > 0 else '') }}
{% endmacro %}


{% macro duckdb__raw_file_lines(path, rejects_table=none) -%}
    {#- The file as lines of text, one column, no quoting: what a text editor shows, so line
        numbers are the ones a user finds. With rejects_table, lines that do not decode are
        recorded there (store_rejects) instead of failing the read. -#}
    read_csv('{{ path | replace("'", "''") }}', header = false, auto_detect = false,
        columns = {'raw_line': 'varchar'}, delim = chr(0), quote = '', escape = '', strict_mode = false,
        encoding = '{{ raw_encoding() }}'
        {%- if rejects_table %}, store_rejects = true, rejects_table = '{{ rejects_table }}',
        rejects_scan = '{{ rejects_table }}_scans'{% endif %})
{%- endmacro %}


{% macro raw_file_header(path, delimiter) %}
    {{ return(adapter.dispatch('raw_file_header', 'customer_segmentation')(path, delimiter)) }}
{% endmacro %}

{% macro duckdb__raw_file_header(path, delimiter) %}
    {#- The header's column names, from the first line alone: DuckDB's sniffer gives up on a
        whole file when one row in its sample has an unclosed quote, so the readers take the
        names from here and do not sniff. Empty names become column<n>, repeats get _<n>. -#}
    {%- set header_line = duckdb__raw_file_first_line(path) -%}
    {%- set names = [] -%}
    {%- for raw_name in header_line.split(delimiter) if header_line.strip() -%}
        {%- set name = raw_name.strip().strip('"').strip() or 'column' ~ loop.index0 -%}
        {%- do names.append(name ~ ('_' ~ loop.index0 if name | lower in names | map('lower') else '')) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}

{% macro spark__raw_file_header(path, delimiter) %}
    {#- Spark names the columns when spark__register_raw_files creates the table. -#}
    {{ return(none) }}
{% endmacro %}


{% macro duckdb__raw_csv_reader(relation, path, header, rejects_table=none, delimiter=none) %}
    {#- The source's read_csv (its external_location) for one file, given the header's columns
        instead of sniffing them, and `delimiter` instead of its delim where given; with
        rejects_table, records that do not parse are stored there (store_rejects, with their
        line and raw text) instead of being skipped. -#}
    {%- set reader = relation | string -%}
    {%- if delimiter is not none -%}
        {#- As DuckDB's SQL writes a tab, backslash t; doubled for re.sub's replacement. -#}
        {%- set reader = modules.re.sub("delim = '[^']*'", "delim = '" ~ (delimiter | replace('\t', '\\\\t')) ~ "'", reader, 1) -%}
    {%- endif -%}
    {%- set sniffing, skipping = 'auto_detect = true', 'ignore_errors = true' -%}
    {%- if sniffing not in reader or skipping not in reader -%}
        {{ exceptions.raise_compiler_error("The canonical reader must hold '" ~ sniffing ~ "' and '" ~ skipping
            ~ "' (external_location in the sources YAML); got " ~ reader) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for name in header -%}
        {%- do columns.append("'" ~ name | replace("'", "''") ~ "': 'varchar'") -%}
    {%- endfor -%}
    {%- set reader = reader.replace(sniffing, 'auto_detect = false, columns = {' ~ columns | join(', ') ~ '}') -%}
    {%- if rejects_table -%}
        {%- set reader = reader.replace(skipping, "store_rejects = true, rejects_table = '" ~ rejects_table
            ~ "', rejects_scan = '" ~ rejects_table ~ "_scans'") -%}
    {%- endif -%}
    {#- An alternative file name that exists instead of the preferred one is read by the same
        reader with its name swapped in (read_csv detects gzip by the extension). -#}
    {{ return(modules.re.sub("read_csv\\('[^']*'", "read_csv('" ~ path | replace("'", "''") ~ "'", reader, 1)) }}
{% endmacro %}


{% macro raw_source(table_name, source_name='canonical', rejects_table=none) %}
    {#- source() is always called so lineage shows the file even when it is absent. On DuckDB
        the reader is the source's read_csv with the header's columns (duckdb__raw_csv_reader);
        on Spark the table spark__register_raw_files made. -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set node = raw_source_node(table_name, source_name) -%}
    {%- set path = raw_file_path(table_name, source_name) -%}
    {%- if raw_file_exists(path) -%}
        {%- if target.type != 'duckdb' -%}
            {#- Without the record an unclosed quote swallowed (spark__register_raw_files). -#}
            {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
            {%- set names = raw_column_names(node, columns) -%}
            {%- set selected = [] -%}
            {%- for column_name in columns -%}
                {%- do selected.append('`' ~ column_name ~ '` as `' ~ names[loop.index0] ~ '`') -%}
            {%- endfor -%}
            {{ return('(select ' ~ selected | join(', ') ~ ' from (select *, monotonically_increasing_id() as _record_id from '
                ~ relation ~ ') where _record_id not in (select record_id from ' ~ source_name ~ '.' ~ table_name ~ '__unterminated))') }}
        {%- endif -%}
        {%- set delimiter = raw_file_delimiter(node, path) -%}
        {%- set header = raw_column_names(node, raw_file_header(path, delimiter)) -%}
        {{ return(duckdb__raw_csv_reader(relation, path, header, rejects_table, delimiter)) }}
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
        {%- set undecodable_line = raw_file_first_undecodable_line(path) if raw_file_exists(path) else none -%}
        {%- if not raw_file_exists(path) -%}
            {%- if is_required -%}
                {%- do problems.append(meta['raw_file'] ~ ': required file is missing (looked for ' ~ path
                    ~ (' or ' ~ candidates[1:] | join(' or ') if candidates | length > 1 else '') ~ ')') -%}
            {%- endif -%}
        {%- elif undecodable_line is not none -%}
            {%- do problems.append(meta['raw_file'] ~ ': not valid ' ~ raw_encoding() ~ ' (first at line '
                ~ undecodable_line ~ "). The var raw_encoding sets the encoding of every file of"
                ~ " the folder: if they all share this file's, set it, e.g. --vars"
                ~ " '{raw_encoding: latin-1}' or make build RAW_ENCODING=latin-1; if only some do,"
                ~ " convert those to UTF-8 (iconv -f latin1 -t utf-8), since reading UTF-8 files as"
                ~ " latin-1 garbles their non-ASCII text without an error") -%}
        {%- else -%}
            {%- set reader = raw_source(node.name, source_name) -%}
            {%- set header = raw_file_header(path, raw_file_delimiter(node, path)) -%}
            {%- if header is none -%}
                {%- set header = run_query('select * from ' ~ reader ~ ' limit 0').column_names -%}
            {%- endif -%}
            {%- set header = raw_column_names(node, header) | map('lower') | map('trim') | list -%}
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
                    ~ '; the header has ' ~ header | join(', ') ~ raw_file_delimiter_hint(node, path)) -%}
            {%- elif run_query('select 1 from ' ~ reader ~ ' limit 1') | length == 0 -%}
                {#- Nothing parsed: a file of unparseable lines stops the build; a header alone
                    stops it only for a required file. -#}
                {%- set line_count = raw_file_line_count(path) -%}
                {%- if line_count > 1 -%}
                    {%- do problems.append(meta['raw_file'] ~ ': no row could be parsed as CSV (' ~ (line_count - 1)
                        ~ ' line(s) after the header: fields not matching the header, or an unclosed quote)') -%}
                {%- elif is_required -%}
                    {%- do problems.append(meta['raw_file'] ~ ': required file has a header but no rows') -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            'The raw folder ' ~ var('raw_dir') ~ ' breaks the ' ~ source_name ~ ' raw contract (docs/raw-contract.md):\n  - '
            ~ problems | join('\n  - ')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro raw_file_first_undecodable_line(path) %}
    {#- The first line of the file that is not valid in raw_encoding, or none; checked before
        any reader runs, so the build stops with the line instead of DuckDB's stack of SQL. -#}
    {{ return(adapter.dispatch('raw_file_first_undecodable_line', 'customer_segmentation')(path)) }}
{% endmacro %}

{% macro duckdb__raw_file_first_undecodable_line(path) %}
    {%- if raw_encoding() == 'latin-1' -%}
        {#- Every byte is a latin-1 character: nothing to check. -#}
        {{ return(none) }}
    {%- endif -%}
    {%- do run_query('drop table if exists raw_encoding_rejects; drop table if exists raw_encoding_rejects_scans') -%}
    {%- do run_query('select count(*) from ' ~ duckdb__raw_file_lines(path, 'raw_encoding_rejects')) -%}
    {{ return(run_query("select min(line) from raw_encoding_rejects where error_type = 'INVALID ENCODING'").columns[0].values()[0]) }}
{% endmacro %}

{% macro spark__raw_file_first_undecodable_line(path) %}
    {#- Spark's text source keeps a line's bytes as they are, invalid ones included (they only
        print as U+FFFD), so is_valid_utf8 finds the first bad line; the source keeps lines in
        file order in monotonically increasing ids. Only UTF-8 is checked (the text source
        reads nothing else). -#}
    {%- if raw_encoding() != 'utf-8' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query("with lines as (select value, monotonically_increasing_id() as line_id from text.`"
        ~ path ~ "`), first_bad as (select min(line_id) as line_id from lines where not is_valid_utf8(value))"
        ~ " select count(lines.line_id) + 1 from first_bad left join lines on lines.line_id < first_bad.line_id"
        ~ " where first_bad.line_id is not null group by first_bad.line_id") -%}
    {{ return(result.columns[0].values()[0] if result | length > 0 else none) }}
{% endmacro %}


{% macro raw_file_line_count(path) %}
    {#- Lines of text in the file, header included, for telling an unparseable file from an
        empty one. -#}
    {{ return(adapter.dispatch('raw_file_line_count', 'customer_segmentation')(path)) }}
{% endmacro %}

{% macro duckdb__raw_file_line_count(path) %}
    {{ return(run_query('select count(*) from ' ~ duckdb__raw_file_lines(path)).columns[0].values()[0]) }}
{% endmacro %}

{% macro spark__raw_file_line_count(path) %}
    {{ return(run_query('select count(*) from text.`' ~ path ~ '`').columns[0].values()[0]) }}
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

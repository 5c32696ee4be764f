{#- Which shape of raw folder this build reads (the var `raw_format`), and the one way shared
    models reach its staging models. Each format has its own staging folder, enabled only for
    that format (dbt_project.yml); intermediate models and marts ask `staged('<entity>')` and
    never name a format. -#}

{% macro raw_format_entities() %}
    {#- The staging entities each format feeds, i.e. has a model stg_<format>__<entity> for.
        An entity a format cannot feed reads as an empty select with its interface columns. -#}
    {{ return({
        'canonical': ['customers', 'order_lines', 'products', 'web_sessions', 'marketing_events',
            'support_tickets', 'survey_responses', 'product_reviews', 'exchange_rates',
            'raw_file_row_counts', 'unparseable_rows'],
        'online_retail': ['customers', 'order_lines', 'raw_file_row_counts', 'unparseable_rows'],
        'marketing_campaign': ['customers', 'customer_households', 'customer_summaries',
            'customer_category_spend', 'raw_file_row_counts', 'unparseable_rows'],
    }) }}
{% endmacro %}


{% macro raw_format() %}
    {#- The var `raw_format`, checked: anything but a known format stops the build naming them. -#}
    {%- set value = var('raw_format') | string | trim -%}
    {%- set known = raw_format_entities().keys() | list -%}
    {%- if value not in known -%}
        {{ exceptions.raise_compiler_error("The var raw_format must be one of " ~ known | join(', ')
            ~ "; got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro staged_interface() %}
    {#- Columns and types of the entities that some format cannot feed: what an empty stand-in
        holds. Each format's staging model for the entity has at least these columns. -#}
    {%- set text = dbt.type_string() -%}
    {%- set amount = 'decimal(18, 4)' -%}
    {{ return({
        'order_lines': {'order_line_id': text, 'order_id': text, 'line_number': 'bigint',
            'customer_id': text, 'product_id': text, 'promotion_id': text, 'channel': text,
            'currency_code': text, 'quantity': 'bigint', 'unit_price_original_amount': amount,
            'exchange_rate': amount, 'unit_price_amount': amount, 'ordered_at': 'timestamp'},
        'products': {'product_id': text, 'product_name': text, 'category': text, 'brand': text,
            'unit_cost_amount': amount},
        'web_sessions': {'session_id': text, 'customer_id': text, 'device': text,
            'duration_seconds': 'bigint', 'page_views': 'bigint', 'started_at': 'timestamp'},
        'marketing_events': {'event_id': text, 'customer_id': text, 'campaign_id': text,
            'channel': text, 'event_type': text, 'occurred_at': 'timestamp'},
        'support_tickets': {'ticket_id': text, 'customer_id': text, 'category': text,
            'csat_score': 'bigint', 'opened_at': 'timestamp', 'resolved_at': 'timestamp'},
        'survey_responses': {'response_id': text, 'customer_id': text, 'nps_score': 'bigint',
            'responded_at': 'timestamp'},
        'product_reviews': {'review_id': text, 'customer_id': text, 'product_id': text,
            'rating': 'bigint', 'reviewed_at': 'timestamp'},
        'customer_households': {'customer_id': text, 'adult_count': 'bigint', 'kid_count': 'bigint',
            'teen_count': 'bigint', 'household_size': 'bigint'},
        'customer_summaries': {'customer_id': text, 'measured_on_date': 'date',
            'recency_days_at_measurement': 'bigint', 'order_count': 'bigint',
            'promotion_order_count': 'bigint', 'web_order_count': 'bigint',
            'catalog_order_count': 'bigint', 'store_order_count': 'bigint', 'spend_amount': amount,
            'web_visit_count_30d': 'bigint', 'campaign_offer_count': 'bigint',
            'campaign_acceptance_count': 'bigint', 'has_complained': 'boolean'},
        'customer_category_spend': {'customer_id': text, 'category': text, 'spend_amount': amount},
    }) }}
{% endmacro %}


{% macro staged(entity) %}
    {#- ref() of the active format's staging model for the entity, so lineage shows the real
        upstream; an entity the format cannot feed is an empty select with the interface's
        columns, so every shared model builds and what it cannot know stays null. -#}
    {%- set raw_format = raw_format() -%}
    {%- if entity in raw_format_entities()[raw_format] -%}
        {{ return(ref('stg_' ~ raw_format ~ '__' ~ entity)) }}
    {%- endif -%}
    {%- set interface = staged_interface() -%}
    {%- if entity not in interface -%}
        {{ exceptions.raise_compiler_error("The raw format '" ~ raw_format ~ "' does not feed '" ~ entity
            ~ "' and it has no empty stand-in; add it to raw_format_entities or staged_interface.") }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column_name, data_type in interface[entity].items() -%}
        {%- do columns.append('cast(null as ' ~ data_type ~ ') as ' ~ column_name) -%}
    {%- endfor -%}
    {{ return('(select ' ~ columns | join(', ') ~ ' where 1 = 0)') }}
{% endmacro %}


{% macro staged_base(table_name) %}
    {#- ref() of the active format's base model for one of its raw tables (see raw_tables()). -#}
    {{ return(ref('base_' ~ raw_format() ~ '__' ~ table_name)) }}
{% endmacro %}


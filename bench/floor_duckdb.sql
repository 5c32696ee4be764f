-- The benchmark floor: customer_rfm and customer_engagement computed by one hand-written DuckDB
-- script, no dbt. It reads the canonical raw CSVs, applies the cleaning rules of the dbt
-- staging models that change these figures (typed parsing, duplicate rows and keys, the
-- rejection rules, currency conversion, the as_of_date cut-off) and leaves two tables,
-- floor_customer_rfm and floor_customer_engagement, with the marts' columns and types.
--
-- Parameters are DuckDB variables, set before the script runs (bench/floor_duckdb.py does):
--   raw_dir                 the canonical raw folder; customers, order_lines, web_sessions,
--                           marketing_events, support_tickets, survey_responses and
--                           product_reviews must be there (products.csv is not needed)
--   exchange_rates_csv      raw_dir/exchange_rates.csv, or, when the folder has none, a
--                           header-only file (bench/empty_exchange_rates.csv): then only lines
--                           in the reporting currency are kept, as in dbt
--   rfm_segment_names_csv   seeds/rfm_segment_names.csv
--   channel_aliases_csv     seeds/channel_aliases.csv
--   as_of_date              'YYYY-MM-DD', or unset for the day after the last order line
-- The reporting currency is USD (the dbt var reporting_currency).
--
-- Every column is read as text, as dbt's sources do, and parsed to null rather than failing.
-- A row that breaks a rejection rule is dropped; of the remaining rows with the same key the
-- most complete, then the first by raw text, is kept (one grouped arg_min per file). That
-- step also removes exact duplicate rows, which tie, so they need no pass of their own.

SET TimeZone = 'UTC';

CREATE OR REPLACE TEMP MACRO clean_text(x) AS nullif(trim(x), '');
CREATE OR REPLACE TEMP MACRO blank(x) AS (nullif(trim(x), '') IS NULL)::int;
CREATE OR REPLACE TEMP MACRO parse_integer(x) AS
    CASE WHEN regexp_full_match(clean_text(x), '[+-]?[0-9]{1,18}') THEN cast(clean_text(x) AS bigint) END;
CREATE OR REPLACE TEMP MACRO parse_decimal(x) AS
    CASE WHEN regexp_full_match(clean_text(x), '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)')
        THEN try_cast(clean_text(x) AS decimal(18, 4)) END;
CREATE OR REPLACE TEMP MACRO parse_rate(x) AS
    CASE WHEN regexp_full_match(clean_text(x), '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)')
        THEN try_cast(clean_text(x) AS decimal(18, 10)) END;
-- The unit price in the reporting currency, held with eight decimals; the price widened for the
-- product, since decimal(18, 4) x decimal(18, 10) keeps only four digits before the point.
CREATE OR REPLACE TEMP MACRO converted_price(price, rate) AS
    CASE WHEN rate = 1 THEN cast(price AS decimal(18, 8))
        ELSE cast(cast(price AS decimal(19, 4)) * rate AS decimal(18, 8)) END;
CREATE OR REPLACE TEMP MACRO parse_date(x) AS
    CASE WHEN regexp_full_match(clean_text(x), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(clean_text(x) AS date) END;
-- ISO 8601 with an optional offset; without one it is UTC. The usual 'YYYY-MM-DD HH:MM:SS'
-- (no room for an offset) takes the plain cast, several times cheaper than the time zone one.
CREATE OR REPLACE TEMP MACRO parse_timestamp(x) AS coalesce(
    CASE WHEN length(x) = 19 AND x[11] = ' ' AND x[14] = ':' AND x[17] = ':' THEN try_cast(x AS timestamp) END,
    try_cast(try_cast(clean_text(x) AS timestamptz) AS timestamp)
);
CREATE OR REPLACE TEMP MACRO raw_csv(file_name) AS TABLE
    SELECT * FROM read_csv(getvariable('raw_dir') || '/' || file_name, all_varchar = true, header = true);

---------- customers: every non-empty id (one row per id is kept, the rest are duplicate keys)
CREATE OR REPLACE TEMP TABLE floor_customers AS
SELECT DISTINCT clean_text(customer_id) AS customer_id
FROM raw_csv('customers.csv')
WHERE clean_text(customer_id) IS NOT NULL;

---------- exchange rates: valid rows, one per (currency, date)
CREATE OR REPLACE TEMP TABLE floor_exchange_rates AS
SELECT
    upper(clean_text(currency)) AS currency_code,
    parse_date(rate_date) AS rate_date,
    arg_min(
        parse_rate(rate_to_reporting),
        (blank(currency) + blank(rate_date) + blank(rate_to_reporting), currency, rate_date, rate_to_reporting)
    ) AS rate_to_reporting
FROM read_csv(getvariable('exchange_rates_csv'), all_varchar = true, header = true)
WHERE regexp_full_match(upper(clean_text(currency)), '[A-Z]{3}')
    AND parse_date(rate_date) IS NOT NULL
    AND parse_rate(rate_to_reporting) > 0
GROUP BY ALL;

---------- order lines: base_canonical__order_lines' rejection rules, then one row per key
CREATE OR REPLACE TEMP TABLE floor_order_lines AS
WITH channel_aliases AS (
    SELECT channel_alias, channel
    FROM read_csv(getvariable('channel_aliases_csv'), all_varchar = true, header = true)
),

parsed AS (
    SELECT
        raw.*,
        clean_text(raw.order_id) AS order_key,
        clean_text(raw.customer_id) AS customer_key,
        coalesce(upper(clean_text(raw.currency)), 'USD') AS currency_code,
        channel_aliases.channel AS channel_code,
        parse_integer(raw.line_number) AS line_number_value,
        parse_integer(raw.quantity) AS quantity_value,
        parse_decimal(raw.unit_price) AS unit_price_value,
        parse_timestamp(raw.ordered_at) AS ordered_at_value
    FROM raw_csv('order_lines.csv') AS raw
    LEFT JOIN channel_aliases
        ON nullif(lower(trim(raw.channel)), '') = channel_aliases.channel_alias
),

conflicting_orders AS (
    -- Over every line, rejected or not: lines of one order naming different customers (or a
    -- customer and a guest) cannot be attributed, so the whole order goes.
    SELECT order_key
    FROM parsed
    WHERE order_key IS NOT NULL
    GROUP BY order_key
    HAVING count(DISTINCT coalesce(customer_key, '')) > 1
),

valid AS (
    SELECT *
    FROM parsed
    WHERE order_key IS NOT NULL
        AND order_key NOT IN (SELECT order_key FROM conflicting_orders)
        AND line_number_value IS NOT NULL
        AND ordered_at_value IS NOT NULL
        AND clean_text(product_id) IS NOT NULL
        AND quantity_value <> 0
        AND unit_price_value >= 0
        AND regexp_full_match(currency_code, '[A-Z]{3}')
        AND channel_code IS NOT NULL
        AND (customer_key IS NULL OR customer_key IN (SELECT customer_id FROM floor_customers))
),

converted AS (
    -- The rate of the order date or the latest before it; a line without one is rejected.
    SELECT *, cast(1 AS decimal(18, 10)) AS exchange_rate
    FROM valid
    WHERE currency_code = 'USD'
    UNION ALL BY NAME
    SELECT valid.*, floor_exchange_rates.rate_to_reporting AS exchange_rate
    FROM valid
    ASOF INNER JOIN floor_exchange_rates
        ON valid.currency_code = floor_exchange_rates.currency_code
        AND cast(valid.ordered_at_value AS date) >= floor_exchange_rates.rate_date
    WHERE valid.currency_code <> 'USD'
)

SELECT
    order_key AS order_id,
    unnest(arg_min(
        {
            'customer_id': customer_key,
            'ordered_at': ordered_at_value,
            'quantity': quantity_value,
            'line_amount': cast(quantity_value * converted_price(unit_price_value, exchange_rate) AS decimal(18, 4))
        },
        (
            blank(order_id) + blank(line_number) + blank(customer_id) + blank(ordered_at) + blank(product_id)
            + blank(quantity) + blank(unit_price) + blank(currency) + blank(channel) + blank(promotion_id),
            order_id, line_number, customer_id, ordered_at, product_id, quantity, unit_price, currency,
            channel, promotion_id
        )
    ))
FROM converted
GROUP BY order_key, line_number_value;

---------- as_of_date: the variable, else the day after the last kept order line
CREATE OR REPLACE TEMP TABLE floor_as_of AS
SELECT coalesce(
    cast(getvariable('as_of_date') AS date),
    cast(cast(max(ordered_at) AS date) + INTERVAL 1 DAY AS date)
) AS as_of_date
FROM floor_order_lines;

---------- customer_rfm
CREATE OR REPLACE TABLE floor_customer_rfm AS
WITH orders AS (
    -- Orders never mix customers (conflicting ones were rejected), so (customer, order) is an order.
    SELECT
        order_lines.customer_id,
        order_lines.order_id,
        min(cast(order_lines.ordered_at AS date)) AS order_date,
        bool_or(order_lines.quantity > 0) AS is_purchase,
        sum(order_lines.line_amount) AS net_amount
    FROM floor_order_lines AS order_lines
    CROSS JOIN floor_as_of
    WHERE order_lines.ordered_at < floor_as_of.as_of_date
        AND order_lines.customer_id IS NOT NULL
    GROUP BY order_lines.customer_id, order_lines.order_id
),

purchases AS (
    SELECT
        customer_id,
        max(CASE WHEN is_purchase THEN order_date END) AS last_purchase_date,
        count(CASE WHEN is_purchase THEN 1 END) AS order_count,
        -- Every line counts, returns too, even in an order that is not a purchase.
        cast(sum(net_amount) AS decimal(18, 2)) AS monetary_amount
    FROM orders
    GROUP BY customer_id
    HAVING bool_or(is_purchase)
),

ranked AS (
    SELECT
        purchases.*,
        floor_as_of.as_of_date,
        date_diff('day', purchases.last_purchase_date, floor_as_of.as_of_date) AS recency_days,
        count(*) OVER () AS customer_count,
        rank() OVER (ORDER BY purchases.last_purchase_date ASC) AS recency_rank,
        rank() OVER (ORDER BY purchases.order_count ASC) AS frequency_rank,
        rank() OVER (ORDER BY purchases.monetary_amount ASC) AS monetary_rank
    FROM purchases
    CROSS JOIN floor_as_of
),

scored AS (
    -- Rank-based quintiles: tied values share a score; rank 1 (the worst) scores 1, rank n
    -- scores 5; when everyone ties (every rank is 1), everyone scores 3.
    SELECT
        *,
        CASE WHEN max(recency_rank) OVER () = 1 THEN 3 ELSE least(5, cast(
            1 + floor(5.0 * (recency_rank - 1) / (customer_count - 1)) AS integer)) END AS recency_score,
        CASE WHEN max(frequency_rank) OVER () = 1 THEN 3 ELSE least(5, cast(
            1 + floor(5.0 * (frequency_rank - 1) / (customer_count - 1)) AS integer)) END AS frequency_score,
        CASE WHEN max(monetary_rank) OVER () = 1 THEN 3 ELSE least(5, cast(
            1 + floor(5.0 * (monetary_rank - 1) / (customer_count - 1)) AS integer)) END AS monetary_score
    FROM ranked
),

rfm_segment_names AS (
    SELECT *
    FROM read_csv(getvariable('rfm_segment_names_csv'), header = true, columns = {
        'rfm_code': 'varchar', 'recency_score': 'integer', 'frequency_score': 'integer',
        'monetary_score': 'integer', 'frequency_monetary_score': 'integer', 'rfm_segment_name': 'varchar'
    })
)

SELECT
    scored.customer_id,
    scored.as_of_date,
    scored.last_purchase_date,
    scored.recency_days,
    scored.order_count,
    scored.monetary_amount,
    scored.recency_score,
    scored.frequency_score,
    scored.monetary_score,
    rfm_segment_names.rfm_code,
    rfm_segment_names.rfm_segment_name
FROM scored
LEFT JOIN rfm_segment_names
    ON scored.recency_score = rfm_segment_names.recency_score
    AND scored.frequency_score = rfm_segment_names.frequency_score
    AND scored.monetary_score = rfm_segment_names.monetary_score;

---------- customer_engagement
CREATE OR REPLACE TABLE floor_customer_engagement AS
WITH web_sessions AS (
    SELECT
        clean_text(session_id) AS session_id,
        unnest(arg_min(
            {
                'customer_id': clean_text(customer_id),
                'started_at': parse_timestamp(started_at),
                -- A negative duration or page count is set null.
                'duration_seconds': CASE WHEN parse_integer(duration_seconds) >= 0 THEN parse_integer(duration_seconds) END,
                'page_views': CASE WHEN parse_integer(page_views) >= 0 THEN parse_integer(page_views) END
            },
            (
                blank(session_id) + blank(customer_id) + blank(started_at) + blank(duration_seconds)
                + blank(page_views) + blank(device),
                session_id, customer_id, started_at, duration_seconds, page_views, device
            )
        ))
    FROM raw_csv('web_sessions.csv')
    WHERE clean_text(session_id) IS NOT NULL
        AND clean_text(customer_id) IN (SELECT customer_id FROM floor_customers)
        AND parse_timestamp(started_at) IS NOT NULL
    GROUP BY clean_text(session_id)
),

web_by_customer AS (
    SELECT
        s.customer_id,
        count(*) AS web_session_count,
        count(CASE WHEN s.started_at >= a.as_of_date - INTERVAL 90 DAY THEN 1 END) AS web_session_count_90d,
        count(CASE WHEN s.started_at >= a.as_of_date - INTERVAL 30 DAY THEN 1 END) AS web_session_count_30d,
        avg(s.duration_seconds) AS avg_session_duration_seconds,
        avg(s.page_views) AS avg_page_views_per_session
    FROM web_sessions AS s
    CROSS JOIN floor_as_of AS a
    WHERE s.started_at < a.as_of_date
    GROUP BY s.customer_id
),

marketing_events AS (
    SELECT
        clean_text(event_id) AS event_id,
        unnest(arg_min(
            {
                'customer_id': clean_text(customer_id),
                'channel': nullif(lower(trim(channel)), ''),
                'event_type': nullif(lower(trim(event_type)), ''),
                'occurred_at': parse_timestamp(occurred_at)
            },
            (
                blank(event_id) + blank(customer_id) + blank(campaign_id) + blank(channel)
                + blank(event_type) + blank(occurred_at),
                event_id, customer_id, campaign_id, channel, event_type, occurred_at
            )
        ))
    FROM raw_csv('marketing_events.csv')
    WHERE clean_text(event_id) IS NOT NULL
        AND clean_text(customer_id) IN (SELECT customer_id FROM floor_customers)
        AND nullif(lower(trim(channel)), '') IN ('email', 'sms', 'push', 'social')
        AND nullif(lower(trim(event_type)), '')
            IN ('sent', 'opened', 'clicked', 'converted', 'unsubscribed', 'liked', 'shared', 'commented')
        AND parse_timestamp(occurred_at) IS NOT NULL
    GROUP BY clean_text(event_id)
),

marketing_before_as_of AS (
    SELECT e.customer_id, e.channel, e.event_type
    FROM marketing_events AS e
    CROSS JOIN floor_as_of AS a
    WHERE e.occurred_at < a.as_of_date
),

marketing_by_customer AS (
    SELECT
        customer_id,
        count(CASE WHEN channel = 'email' AND event_type = 'sent' THEN 1 END) AS email_sent_count,
        count(CASE WHEN channel = 'email' AND event_type = 'opened' THEN 1 END) AS email_opened_count,
        count(CASE WHEN channel = 'email' AND event_type = 'clicked' THEN 1 END) AS email_clicked_count,
        count(CASE WHEN event_type = 'converted' THEN 1 END) AS marketing_conversion_count,
        bool_or(event_type = 'unsubscribed') AS is_unsubscribed,
        count(CASE WHEN channel = 'social' AND event_type IN ('liked', 'shared', 'commented') THEN 1 END)
            AS social_interaction_count
    FROM marketing_before_as_of
    GROUP BY customer_id
),

preferred_channel AS (
    -- Reactions, not sends; a tie goes to the channel first by name.
    SELECT customer_id, channel AS preferred_marketing_channel
    FROM marketing_before_as_of
    WHERE event_type IN ('opened', 'clicked', 'converted', 'liked', 'shared', 'commented')
    GROUP BY customer_id, channel
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, channel ASC) = 1
),

support_tickets AS (
    SELECT
        clean_text(ticket_id) AS ticket_id,
        unnest(arg_min(
            {
                'customer_id': clean_text(customer_id),
                'opened_at': parse_timestamp(opened_at),
                -- A resolution before the opening, or a score outside 1..5, is set null.
                'resolved_at': CASE
                    WHEN parse_timestamp(resolved_at) >= parse_timestamp(opened_at) THEN parse_timestamp(resolved_at)
                END,
                'csat_score': CASE WHEN parse_integer(csat_score) BETWEEN 1 AND 5 THEN parse_integer(csat_score) END
            },
            (
                blank(ticket_id) + blank(customer_id) + blank(opened_at) + blank(resolved_at)
                + blank(category) + blank(csat_score),
                ticket_id, customer_id, opened_at, resolved_at, category, csat_score
            )
        ))
    FROM raw_csv('support_tickets.csv')
    WHERE clean_text(ticket_id) IS NOT NULL
        AND clean_text(customer_id) IN (SELECT customer_id FROM floor_customers)
        AND parse_timestamp(opened_at) IS NOT NULL
    GROUP BY clean_text(ticket_id)
),

support_by_customer AS (
    SELECT
        t.customer_id,
        count(*) AS support_ticket_count,
        -- Open as of as_of_date: a resolution after it had not happened yet.
        count(CASE WHEN t.resolved_at IS NULL OR t.resolved_at >= a.as_of_date THEN 1 END)
            AS open_support_ticket_count,
        avg(CASE WHEN t.resolved_at < a.as_of_date THEN t.csat_score END) AS avg_csat_score
    FROM support_tickets AS t
    CROSS JOIN floor_as_of AS a
    WHERE t.opened_at < a.as_of_date
    GROUP BY t.customer_id
),

survey_responses AS (
    SELECT
        clean_text(response_id) AS response_id,
        unnest(arg_min(
            {
                'customer_id': clean_text(customer_id),
                'responded_at': parse_timestamp(responded_at),
                'nps_score': parse_integer(nps_score)
            },
            (
                blank(response_id) + blank(customer_id) + blank(responded_at) + blank(nps_score),
                response_id, customer_id, responded_at, nps_score
            )
        ))
    FROM raw_csv('survey_responses.csv')
    WHERE clean_text(response_id) IS NOT NULL
        AND clean_text(customer_id) IN (SELECT customer_id FROM floor_customers)
        AND parse_timestamp(responded_at) IS NOT NULL
        AND parse_integer(nps_score) BETWEEN 0 AND 10
    GROUP BY clean_text(response_id)
),

surveys_by_customer AS (
    SELECT
        s.customer_id,
        count(*) AS survey_response_count,
        avg(s.nps_score) AS avg_nps_score,
        -- The latest response; on a tie in time the lower score.
        arg_max(s.nps_score, (s.responded_at, -s.nps_score)) AS latest_nps_score
    FROM survey_responses AS s
    CROSS JOIN floor_as_of AS a
    WHERE s.responded_at < a.as_of_date
    GROUP BY s.customer_id
),

product_reviews AS (
    SELECT
        clean_text(review_id) AS review_id,
        unnest(arg_min(
            {
                'customer_id': clean_text(customer_id),
                'reviewed_at': parse_timestamp(reviewed_at),
                'rating': parse_integer(rating)
            },
            (
                blank(review_id) + blank(customer_id) + blank(product_id) + blank(reviewed_at) + blank(rating),
                review_id, customer_id, product_id, reviewed_at, rating
            )
        ))
    FROM raw_csv('product_reviews.csv')
    WHERE clean_text(review_id) IS NOT NULL
        AND clean_text(customer_id) IN (SELECT customer_id FROM floor_customers)
        AND clean_text(product_id) IS NOT NULL
        AND parse_timestamp(reviewed_at) IS NOT NULL
        AND parse_integer(rating) BETWEEN 1 AND 5
    GROUP BY clean_text(review_id)
),

reviews_by_customer AS (
    SELECT r.customer_id, count(*) AS review_count, avg(r.rating) AS avg_review_rating
    FROM product_reviews AS r
    CROSS JOIN floor_as_of AS a
    WHERE r.reviewed_at < a.as_of_date
    GROUP BY r.customer_id
)

SELECT
    c.customer_id,
    a.as_of_date,
    coalesce(w.web_session_count, 0) AS web_session_count,
    coalesce(w.web_session_count_90d, 0) AS web_session_count_90d,
    coalesce(w.web_session_count_30d, 0) AS web_session_count_30d,
    w.avg_session_duration_seconds,
    w.avg_page_views_per_session,
    coalesce(m.email_sent_count, 0) AS email_sent_count,
    coalesce(m.email_opened_count, 0) AS email_opened_count,
    coalesce(m.email_clicked_count, 0) AS email_clicked_count,
    CASE WHEN m.email_sent_count > 0 THEN least(m.email_opened_count / m.email_sent_count, 1.0) END
        AS email_open_rate,
    CASE WHEN m.email_sent_count > 0 THEN least(m.email_clicked_count / m.email_sent_count, 1.0) END
        AS email_click_rate,
    coalesce(m.marketing_conversion_count, 0) AS marketing_conversion_count,
    -- Customer-level campaign summaries only come with the marketing_campaign raw format.
    cast(NULL AS bigint) AS campaign_offer_count,
    cast(NULL AS double) AS campaign_response_rate,
    coalesce(m.is_unsubscribed, false) AS is_unsubscribed,
    coalesce(m.social_interaction_count, 0) AS social_interaction_count,
    p.preferred_marketing_channel,
    coalesce(t.support_ticket_count, 0) AS support_ticket_count,
    coalesce(t.open_support_ticket_count, 0) AS open_support_ticket_count,
    t.avg_csat_score,
    cast(NULL AS boolean) AS has_complained,
    coalesce(s.survey_response_count, 0) AS survey_response_count,
    s.latest_nps_score,
    s.avg_nps_score,
    CASE
        WHEN s.latest_nps_score >= 9 THEN 'promoter'
        WHEN s.latest_nps_score >= 7 THEN 'passive'
        WHEN s.latest_nps_score >= 0 THEN 'detractor'
    END AS nps_category,
    coalesce(r.review_count, 0) AS review_count,
    r.avg_review_rating
FROM floor_customers AS c
CROSS JOIN floor_as_of AS a
LEFT JOIN web_by_customer AS w ON c.customer_id = w.customer_id
LEFT JOIN marketing_by_customer AS m ON c.customer_id = m.customer_id
LEFT JOIN preferred_channel AS p ON c.customer_id = p.customer_id
LEFT JOIN support_by_customer AS t ON c.customer_id = t.customer_id
LEFT JOIN surveys_by_customer AS s ON c.customer_id = s.customer_id
LEFT JOIN reviews_by_customer AS r ON c.customer_id = r.customer_id;

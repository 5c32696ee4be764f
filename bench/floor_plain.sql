-- The plain floor: customer_rfm and customer_engagement the plainest fast way, with nothing
-- of the warehouse's design. DuckDB's typed CSV reader (types by header name, so any column
-- order works), exact duplicate rows removed, the as_of_date cut-off, and currency conversion
-- where rates exist (the rate of the order date or the latest before it; a line in another
-- currency without one is left out, as the warehouse quarantines it). No text parsing, no
-- rejection rules, no quarantine: a row the typed reader cannot read is skipped
-- (ignore_errors). On a clean raw folder it gives the marts' figures exactly
-- (src/tests/test_bench_baselines.py); on a dirty one it is simply the floor to beat.
--
-- Parameters are DuckDB variables (bench/floor_plain.py sets them): raw_dir,
-- exchange_rates_csv (raw_dir/exchange_rates.csv or bench/empty_exchange_rates.csv),
-- rfm_segment_names_csv, channel_aliases_csv (unused here), as_of_date ('YYYY-MM-DD' or unset).
-- The reporting currency is USD (the dbt var reporting_currency).

SET TimeZone = 'UTC';

CREATE OR REPLACE TEMP MACRO typed_csv(file_name, column_types) AS TABLE
    SELECT DISTINCT * FROM read_csv(
        getvariable('raw_dir') || '/' || file_name, header = true, types = column_types,
        ignore_errors = true
    );

CREATE OR REPLACE TEMP TABLE floor_customers AS
SELECT DISTINCT customer_id
FROM read_csv(getvariable('raw_dir') || '/customers.csv', header = true, types = {'customer_id': 'varchar'});

CREATE OR REPLACE TEMP TABLE floor_exchange_rates AS
SELECT DISTINCT upper(currency) AS currency_code, rate_date, rate_to_reporting
FROM read_csv(getvariable('exchange_rates_csv'), header = true, types = {
    'currency': 'varchar', 'rate_date': 'date', 'rate_to_reporting': 'decimal(18, 10)'
}, ignore_errors = true);

CREATE OR REPLACE TEMP TABLE floor_order_lines AS
WITH lines AS (
    SELECT *, coalesce(upper(currency), 'USD') AS currency_code
    FROM typed_csv('order_lines.csv', {
        'order_id': 'varchar', 'line_number': 'bigint', 'customer_id': 'varchar',
        'ordered_at': 'timestamp', 'product_id': 'varchar', 'quantity': 'bigint',
        'unit_price': 'decimal(18, 4)', 'currency': 'varchar', 'channel': 'varchar',
        'promotion_id': 'varchar'
    })
),

converted AS (
    SELECT *, cast(1 AS decimal(18, 10)) AS exchange_rate
    FROM lines
    WHERE currency_code = 'USD'
    UNION ALL BY NAME
    SELECT lines.*, floor_exchange_rates.rate_to_reporting AS exchange_rate
    FROM lines
    ASOF INNER JOIN floor_exchange_rates
        ON lines.currency_code = floor_exchange_rates.currency_code
        AND cast(lines.ordered_at AS date) >= floor_exchange_rates.rate_date
    WHERE lines.currency_code <> 'USD'
)

SELECT
    order_id,
    customer_id,
    ordered_at,
    quantity,
    -- The unit price in the reporting currency has eight decimals, as in the warehouse.
    cast(quantity * CASE WHEN exchange_rate = 1 THEN cast(unit_price AS decimal(18, 8))
        ELSE cast(cast(unit_price AS decimal(19, 4)) * exchange_rate AS decimal(18, 8)) END
        AS decimal(18, 4)) AS line_amount
FROM converted;

---------- as_of_date: the variable, else the day after the last kept order line
CREATE OR REPLACE TEMP TABLE floor_as_of AS
SELECT coalesce(
    cast(getvariable('as_of_date') AS date),
    cast(cast(max(ordered_at) AS date) + INTERVAL 1 DAY AS date)
) AS as_of_date
FROM floor_order_lines;

---------- customer_rfm
CREATE OR REPLACE TABLE plain_customer_rfm AS
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
CREATE OR REPLACE TABLE plain_customer_engagement AS
WITH web_sessions AS (
    SELECT customer_id, started_at, duration_seconds, page_views
    FROM typed_csv('web_sessions.csv', {
        'session_id': 'varchar', 'customer_id': 'varchar', 'started_at': 'timestamp',
        'duration_seconds': 'bigint', 'page_views': 'bigint', 'device': 'varchar'
    })
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
    SELECT customer_id, channel, event_type, occurred_at
    FROM typed_csv('marketing_events.csv', {
        'event_id': 'varchar', 'customer_id': 'varchar', 'campaign_id': 'varchar',
        'channel': 'varchar', 'event_type': 'varchar', 'occurred_at': 'timestamp'
    })
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
    SELECT customer_id, opened_at, resolved_at, csat_score
    FROM typed_csv('support_tickets.csv', {
        'ticket_id': 'varchar', 'customer_id': 'varchar', 'opened_at': 'timestamp',
        'resolved_at': 'timestamp', 'category': 'varchar', 'csat_score': 'bigint'
    })
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
    SELECT customer_id, responded_at, nps_score
    FROM typed_csv('survey_responses.csv', {
        'response_id': 'varchar', 'customer_id': 'varchar', 'responded_at': 'timestamp',
        'nps_score': 'bigint'
    })
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
    SELECT customer_id, reviewed_at, rating
    FROM typed_csv('product_reviews.csv', {
        'review_id': 'varchar', 'customer_id': 'varchar', 'product_id': 'varchar',
        'reviewed_at': 'timestamp', 'rating': 'bigint'
    })
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

"""The canonical raw contract: file names, exact column order and canonical vocabularies.

Everything the dbt staging models rely on lives here, so the generator, its tests and any
caller agree on one spelling. The dirty spellings are listed next to the canonical ones
because the staging layer has to map (or quarantine) exactly these.
"""

from __future__ import annotations

CUSTOMERS = "customers.csv"
ORDER_LINES = "order_lines.csv"
PRODUCTS = "products.csv"
WEB_SESSIONS = "web_sessions.csv"
MARKETING_EVENTS = "marketing_events.csv"
SUPPORT_TICKETS = "support_tickets.csv"
SURVEY_RESPONSES = "survey_responses.csv"
PRODUCT_REVIEWS = "product_reviews.csv"
EXCHANGE_RATES = "exchange_rates.csv"

HEADERS: dict[str, tuple[str, ...]] = {
    CUSTOMERS: (
        "customer_id",
        "signup_date",
        "birth_year",
        "gender",
        "annual_income",
        "education",
        "marital_status",
        "country",
        "city",
    ),
    ORDER_LINES: (
        "order_id",
        "line_number",
        "customer_id",
        "ordered_at",
        "product_id",
        "quantity",
        "unit_price",
        "currency",
        "channel",
        "promotion_id",
    ),
    PRODUCTS: ("product_id", "product_name", "category", "brand", "unit_cost"),
    WEB_SESSIONS: (
        "session_id",
        "customer_id",
        "started_at",
        "duration_seconds",
        "page_views",
        "device",
    ),
    MARKETING_EVENTS: (
        "event_id",
        "customer_id",
        "campaign_id",
        "channel",
        "event_type",
        "occurred_at",
    ),
    SUPPORT_TICKETS: (
        "ticket_id",
        "customer_id",
        "opened_at",
        "resolved_at",
        "category",
        "csat_score",
    ),
    SURVEY_RESPONSES: ("response_id", "customer_id", "responded_at", "nps_score"),
    PRODUCT_REVIEWS: ("review_id", "customer_id", "product_id", "reviewed_at", "rating"),
    EXCHANGE_RATES: ("currency", "rate_date", "rate_to_reporting"),
}

REQUIRED_FILES = (CUSTOMERS, ORDER_LINES, PRODUCTS)
OPTIONAL_FILES = (
    WEB_SESSIONS,
    MARKETING_EVENTS,
    SUPPORT_TICKETS,
    SURVEY_RESPONSES,
    PRODUCT_REVIEWS,
    EXCHANGE_RATES,
)
ALL_FILES = REQUIRED_FILES + OPTIONAL_FILES
TRUTH_HEADER = ("customer_id", "true_type")

REPORTING_CURRENCY = "USD"
# Index = currency code used internally; EMPTY means "not stated" (= reporting currency).
CURRENCIES = ("USD", "EUR", "GBP", "CHF", "")
USD, EUR, GBP, CHF, EMPTY_CURRENCY = range(5)
NOMINAL_RATE_TO_USD = (1.0, 1.10, 1.27, 1.12, 1.0)

CHANNELS = ("web", "store", "catalog", "app", "phone")
# Spellings a staging map can standardise to the canonical channel at the same index.
CHANNEL_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("Web ", "WEB", " web", "online"),
    ("Store", "STORE", "in-store"),
    ("Catalogue",),
    ("App", "mobile app"),
    ("Phone", "telephone"),
)
INVALID_CHANNELS = ("fax", "carrier pigeon")

GENDERS = ("female", "male", "non-binary")
# Dirty spellings per canonical gender; the empty string is "unknown" for any of them.
GENDER_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("F", "Female ", "Female", ""),
    ("M", "MALE", "Male", ""),
    ("Non-binary", "nonbinary", ""),
)
IMPOSSIBLE_BIRTH_YEARS = (1890, 1066, 2099)
MIN_BIRTH_YEAR, MAX_BIRTH_YEAR = 1940, 2006

EDUCATION = ("basic", "high_school", "bachelor", "master", "phd")
MARITAL_STATUS = ("single", "married", "divorced", "widowed", "partner")

# country -> (customer share, home currency, cities)
COUNTRIES: tuple[tuple[str, float, int, tuple[str, ...]], ...] = (
    ("United States", 0.45, USD, ("New York", "Chicago", "Austin", "Seattle")),
    ("United Kingdom", 0.15, GBP, ("London", "Manchester", "Leeds")),
    ("Germany", 0.12, EUR, ("Berlin", "Munich", "Hamburg")),
    ("France", 0.10, EUR, ("Paris", "Lyon", "Marseille")),
    ("Netherlands", 0.06, EUR, ("Amsterdam", "Rotterdam", "Utrecht")),
    ("Spain", 0.07, EUR, ("Madrid", "Barcelona", "Valencia")),
    ("Switzerland", 0.05, CHF, ("Zurich", "Geneva", "Basel")),
)

DEVICES = ("desktop", "mobile", "tablet")
MARKETING_CHANNELS = ("email", "sms", "push", "social")
EMAIL, SMS, PUSH, SOCIAL = range(4)
EVENT_TYPES = (
    "sent",
    "opened",
    "clicked",
    "converted",
    "unsubscribed",
    "liked",
    "shared",
    "commented",
)
SENT, OPENED, CLICKED, CONVERTED, UNSUBSCRIBED, LIKED, SHARED, COMMENTED = range(8)
INVALID_EVENT_TYPES = ("bounced", "opend", "viewed")
INVALID_MARKETING_CHANNELS = ("fax", "billboard")
TICKET_CATEGORIES = ("billing", "delivery", "product", "account")

# Every kind of injected dirt, in report order. All are present (zero with --clean).
DIRT_KEYS = (
    # customers.csv
    "duplicate_customer_rows",
    "impossible_birth_year_customers",
    "negative_annual_income_customers",
    "gender_variant_customers",
    # order_lines.csv
    "duplicate_order_lines",
    "duplicate_key_order_lines",
    "guest_order_lines",
    "unknown_customer_order_lines",
    "negative_unit_price_order_lines",
    "zero_quantity_order_lines",
    "empty_product_id_order_lines",
    "unknown_product_id_order_lines",
    "unparseable_ordered_at_order_lines",
    "t_separator_ordered_at_order_lines",
    "offset_ordered_at_order_lines",
    "channel_variant_order_lines",
    "invalid_channel_order_lines",
    "missing_exchange_rate_order_lines",
    # optional files
    "negative_duration_web_sessions",
    "unknown_customer_web_sessions",
    "empty_customer_web_sessions",
    "invalid_event_type_marketing_events",
    "invalid_channel_marketing_events",
    "unknown_customer_marketing_events",
    "empty_customer_marketing_events",
    "out_of_range_csat_support_tickets",
    "unknown_customer_support_tickets",
    "empty_customer_support_tickets",
    "out_of_range_nps_survey_responses",
    "unknown_customer_survey_responses",
    "empty_customer_survey_responses",
    "out_of_range_rating_product_reviews",
    "unknown_customer_product_reviews",
    "empty_customer_product_reviews",
)

# Facts that are valid under the contract but useful for reconciling (not dirt).
INFO_KEYS = (
    "orders",
    "return_orders",
    "return_order_lines",
    "guest_orders",
    "promotion_order_lines",
    "empty_currency_order_lines",
    "chf_order_lines",
    "missing_signup_date_customers",
    "missing_birth_year_customers",
    "missing_annual_income_customers",
    "empty_unit_cost_products",
    "open_support_tickets",
)

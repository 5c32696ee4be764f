"""Static reference data drawn once per seed: the product catalogue and exchange rates.

Products carry a hidden list price; the per-type purchase weights (category, brand tier and
price preferences) are precomputed here so order generation is one `searchsorted` per type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import contract as c
from .draws import param
from .profiles import PROFILES
from .text import format_cents, format_ids
from .timeline import Window

CATEGORIES = ("apparel", "electronics", "home", "beauty", "grocery", "sports", "toys", "books")
CATEGORY_SIZES = (48, 34, 44, 34, 46, 36, 26, 32)  # 300 products
CATEGORY_MEDIAN_DOLLARS = (42.0, 210.0, 60.0, 26.0, 9.0, 55.0, 30.0, 17.0)
CATEGORY_NOUNS = (
    ("T-Shirt", "Jeans", "Hoodie", "Jacket", "Sneakers", "Scarf", "Dress", "Socks"),
    ("Headphones", "Speaker", "Smartwatch", "Tablet", "Charger", "Keyboard", "Camera"),
    ("Lamp", "Cushion", "Blanket", "Vase", "Pan Set", "Towel Set", "Shelf", "Rug"),
    ("Face Cream", "Shampoo", "Lip Balm", "Perfume", "Serum", "Body Lotion"),
    ("Coffee Beans", "Olive Oil", "Pasta", "Granola", "Green Tea", "Chocolate", "Honey"),
    ("Yoga Mat", "Running Shorts", "Dumbbells", "Water Bottle", "Bike Helmet", "Tennis Balls"),
    ("Puzzle", "Building Set", "Plush Bear", "Board Game", "Toy Car", "Kite"),
    ("Novel", "Cookbook", "Travel Guide", "Biography", "Notebook", "Comic"),
)
ADJECTIVES = ("Classic", "Essential", "Pro", "Eco", "Deluxe", "Compact", "Everyday", "Signature")
BUDGET, MID, PREMIUM = range(3)
TIER_PRICE_FACTOR = (0.65, 1.0, 1.7)
# (brand, tier, categories it sells) -- 30 brands, a few spanning several categories.
BRANDS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("Northloom", MID, (0,)),
    ("Tidewear", BUDGET, (0,)),
    ("Maison Verre", PREMIUM, (0,)),
    ("Basecamp Threads", MID, (0,)),
    ("Voltaic", PREMIUM, (1,)),
    ("Pixelnest", MID, (1,)),
    ("Circuitry", BUDGET, (1,)),
    ("Lumora", PREMIUM, (1,)),
    ("Hearthstone", MID, (2,)),
    ("Casa Nova", PREMIUM, (2,)),
    ("Dwellbright", BUDGET, (2,)),
    ("Oak & Ember", MID, (2,)),
    ("Glowfield", MID, (3,)),
    ("Petal Lab", PREMIUM, (3,)),
    ("Purely", BUDGET, (3,)),
    ("Greengrocer", BUDGET, (4,)),
    ("Harvest Lane", MID, (4,)),
    ("Daily Pantry", BUDGET, (4,)),
    ("Fenwick Farms", PREMIUM, (4,)),
    ("Stridefast", MID, (5,)),
    ("Summit Gear", PREMIUM, (5,)),
    ("Kickabout", BUDGET, (5,)),
    ("Tinkerbox", MID, (6,)),
    ("Jolly Jumble", BUDGET, (6,)),
    ("Brickwise", PREMIUM, (6,)),
    ("Inkwell Press", MID, (7,)),
    ("Paperlane", BUDGET, (7,)),
    ("Folio House", PREMIUM, (7,)),
    ("Everyday Basics", BUDGET, (2, 3, 4)),
    ("Atlas Outdoor", PREMIUM, (0, 5)),
)
PRODUCT_ID_WIDTH = 4
UNKNOWN_PRODUCT_BASE = 9000  # product numbers from here on never exist in products.csv
EMPTY_UNIT_COST_RATE = 0.02


@dataclass(frozen=True)
class Catalog:
    """Products plus, per customer type, cumulative purchase probabilities over them."""

    names: np.ndarray
    category: np.ndarray
    brand: np.ndarray
    price_cents: np.ndarray  # list price in USD cents (not in the contract)
    cost_cents: np.ndarray  # -1 = unknown
    type_cum: np.ndarray  # (types, products) cumulative purchase probabilities
    guest_cum: np.ndarray  # (products,) for guest checkouts

    @property
    def size(self) -> int:
        """Number of products."""
        return len(self.names)

    def sample(self, rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
        """Product index per line; `types == -1` marks guest lines."""
        u = rng.random(len(types))
        out = np.searchsorted(self.guest_cum, u, side="right")
        for t in range(len(PROFILES)):
            rows = types == t
            out[rows] = np.searchsorted(self.type_cum[t], u[rows], side="right")
        return np.minimum(out, self.size - 1).astype(np.int64)

    def columns(self) -> dict[str, np.ndarray]:
        """products.csv in contract column order."""
        numbers = np.arange(1, self.size + 1)
        return {
            "product_id": format_ids("P", numbers, PRODUCT_ID_WIDTH),
            "product_name": self.names,
            "category": np.asarray(CATEGORIES)[self.category],
            "brand": np.asarray([b[0] for b in BRANDS])[self.brand],
            "unit_cost": format_cents(self.cost_cents, missing=self.cost_cents < 0),
        }


def _normalised_cum(weights: np.ndarray) -> np.ndarray:
    cum = np.cumsum(weights / weights.sum(axis=-1, keepdims=True), axis=-1)
    cum[..., -1] = 1.0
    return cum


def build_catalog(rng: np.random.Generator) -> Catalog:
    """Draw ~300 products over 8 categories and 30 brands, with type-specific appeal."""
    category = np.repeat(np.arange(len(CATEGORIES)), CATEGORY_SIZES)
    brands_of = [[i for i, b in enumerate(BRANDS) if cat in b[2]] for cat in range(len(CATEGORIES))]
    brand = np.array([brands_of[cat][rng.integers(len(brands_of[cat]))] for cat in category])
    tier = np.array([BRANDS[b][1] for b in brand])
    dollars = (
        np.asarray(CATEGORY_MEDIAN_DOLLARS)[category]
        * np.asarray(TIER_PRICE_FACTOR)[tier]
        * rng.lognormal(0.0, 0.35, len(category))
    )
    price_cents = np.maximum(np.round(dollars), 1).astype(np.int64) * 100 - 1  # x.99 pricing
    cost_cents = np.round(price_cents * rng.uniform(0.40, 0.70, len(category))).astype(np.int64)
    cost_cents[rng.random(len(category)) < EMPTY_UNIT_COST_RATE] = -1
    nouns = [CATEGORY_NOUNS[cat][rng.integers(len(CATEGORY_NOUNS[cat]))] for cat in category]
    adjectives = rng.integers(len(ADJECTIVES), size=len(category))
    names = np.array(
        [
            f"{BRANDS[b][0]} {ADJECTIVES[a]} {noun} {i + 1:03d}"
            for i, (b, a, noun) in enumerate(zip(brand, adjectives, nouns, strict=True))
        ]
    )
    appeal = (
        param("category_prefs")[:, category]
        * param("tier_prefs")[:, tier]
        * (price_cents[None, :] / 5000.0) ** param("price_alpha")[:, None]
    )
    return Catalog(
        names=names,
        category=category,
        brand=brand,
        price_cents=price_cents,
        cost_cents=cost_cents,
        type_cum=_normalised_cum(appeal),
        guest_cum=_normalised_cum(appeal.mean(axis=0)),
    )


def build_exchange_rates(
    rng: np.random.Generator, window: Window, chf_first_day: int
) -> dict[str, np.ndarray]:
    """Daily EUR/GBP rates over the whole window; CHF only from `chf_first_day` on.

    A mean-reverting random walk on the log rate keeps rates near their nominal level
    (EUR ~1.10, GBP ~1.27, CHF ~1.12 USD) while still moving day to day.
    """
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for code in (c.EUR, c.GBP, c.CHF):
        first = chf_first_day if code == c.CHF else 0
        days = np.arange(first, window.days)
        level = np.log(c.NOMINAL_RATE_TO_USD[code])
        shocks = rng.normal(0.0, 0.004, window.days)
        walk = np.empty(window.days)
        x = level
        for i, shock in enumerate(shocks):  # ~731 steps per currency, not per order line
            x += 0.05 * (level - x) + shock
            walk[i] = x
        parts.append((c.CURRENCIES[code], days, np.exp(walk[first:])))
    return {
        "currency": np.concatenate([np.full(len(d), code) for code, d, _ in parts]),
        "rate_date": np.concatenate([window.format_dates(d) for _, d, _ in parts]),
        "rate_to_reporting": np.array([f"{r:.6f}" for _, _, rates in parts for r in rates]),
    }

"""Web browsing: a simulated outdoor-gear shop with categories, products, reviews, deals, stores,
guides and help pages, browsed through a stateful browser.

The browser keeps a current page and a history: `click_link` follows a link of the current page and
`go_back` returns to the previous one, so a tool-call plan must navigate in a valid order.
`make_tools` builds a new browser for every run. The ground truth is computed below by driving a
fresh browser through the same tools.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codeact.bench.suite import Call, Check, Suite, Task, planned_task
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------

SHOP = "Trailhead Supply"

# category -> (url slug, key spec column in the category table, its label on product pages)
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "Tents": ("tents", "capacity", "Capacity (people)"),
    "Sleeping Bags": ("sleeping-bags", "limit_c", "Temperature limit (C)"),
    "Stoves": ("stoves", "fuel", "Fuel"),
    "Backpacks": ("backpacks", "volume_l", "Volume (L)"),
}

# category, name, price (USD), weight (kg), the category's key spec, blurb
PRODUCTS: list[tuple[str, str, float, float, Any, str]] = [
    ("Tents", "Ridge 2", 249.0, 2.1, 2, "A waterproof two-person backpacking tent with two doors."),
    ("Tents", "Ridge 3", 319.0, 2.8, 3, "A roomy three-person tent with a full-coverage fly."),
    ("Tents", "Alcove UL1", 289.0, 0.9, 1, "A one-person ultralight shelter pitched with poles."),
    ("Tents", "Basecamp 6", 499.0, 9.5, 6, "A six-person family tent with standing height."),
    ("Tents", "Drifter 2", 179.0, 2.6, 2, "A budget two-person dome tent for fair weather."),
    ("Sleeping Bags", "Ember 20", 189.0, 1.1, -7, "A synthetic three-season bag, warm when damp."),
    ("Sleeping Bags", "Ember 40", 139.0, 0.8, 4, "A light summer bag with a full-length zip."),
    ("Sleeping Bags", "Polar Down 0", 359.0, 1.4, -18, "An expedition down bag, waterproof shell."),
    ("Sleeping Bags", "Summit Quilt", 229.0, 0.7, -4, "A down quilt for hikers who sleep warm."),
    ("Stoves", "Pocket Flame", 45.0, 0.08, "canister", "A tiny stove that folds into its lid."),
    ("Stoves", "Trail Boiler", 119.0, 0.4, "canister", "A system that boils water in two minutes."),
    ("Stoves", "Woodsman", 79.0, 0.6, "wood", "A twig-burning stove: no fuel to carry."),
    ("Stoves", "Duo Burner", 149.0, 4.2, "propane", "A two-burner stove for car camping."),
    ("Backpacks", "Switchback 45", 199.0, 1.6, 45, "A weekend pack with a waterproof cover."),
    ("Backpacks", "Switchback 60", 239.0, 1.9, 60, "The big Switchback for week-long trips."),
    ("Backpacks", "Daylite 22", 89.0, 0.7, 22, "A day pack with a hydration sleeve."),
    ("Backpacks", "Expedition 80", 329.0, 2.6, 80, "A hauler for expeditions and winter loads."),
]

# product -> (author, stars 1-5, comment); products not listed have no reviews yet
REVIEWS: dict[str, list[tuple[str, int, str]]] = {
    "Ridge 2": [
        ("maya", 5, "Dry through a two-day storm."),
        ("tom", 4, "Roomy for two, tight with gear."),
        ("ines", 5, "Pitches in five minutes."),
    ],
    "Ridge 3": [
        ("raj", 4, "Good family option."),
        ("lena", 3, "Heavier than I hoped."),
        ("otto", 4, "Solid poles."),
        ("kim", 5, "Survived a gale."),
    ],
    "Alcove UL1": [
        ("sam", 5, "Featherweight."),
        ("bo", 2, "Condensation every night."),
        ("li", 4, "Great once you learn the pitch."),
    ],
    "Trail Boiler": [("dev", 5, "Fast."), ("eli", 5, "Never failed me."), ("fay", 4, "Loud.")],
    "Woodsman": [("ana", 3, "Sooty pots."), ("jo", 4, "Fun to use.")],
    "Polar Down 0": [("gus", 5, "Warm at minus twenty.")],
}

DEALS: list[dict[str, Any]] = [
    {"code": "TENT15", "discount_percent": 15, "category": "Tents", "min_order": 200},
    {"code": "BAG20", "discount_percent": 20, "category": "Sleeping Bags", "min_order": 150},
    {"code": "STOVE10", "discount_percent": 10, "category": "Stoves", "min_order": 0},
    {"code": "PACK5", "discount_percent": 5, "category": "Backpacks", "min_order": 0},
]

# store -> (opens, closes, {product: quantity in stock})
STORES: dict[str, tuple[str, str, dict[str, int]]] = {
    "Cedar Falls": (
        "08:00",
        "20:00",
        {"Ridge 2": 4, "Ridge 3": 0, "Ember 20": 6, "Trail Boiler": 3, "Switchback 45": 2,
         "Daylite 22": 5},
    ),
    "Granite Bay": (
        "09:00",
        "21:00",
        {"Ridge 2": 7, "Basecamp 6": 2, "Polar Down 0": 1, "Switchback 60": 0,
         "Pocket Flame": 10},
    ),
    "Pinecrest": (
        "07:30",
        "18:00",
        {"Ridge 2": 2, "Ember 20": 3, "Daylite 22": 0, "Woodsman": 4, "Trail Boiler": 0,
         "Switchback 45": 1},
    ),
}  # fmt: skip

SHIPPING: list[dict[str, Any]] = [
    {"region": "North", "standard": 9.0, "express": 24.0},
    {"region": "South", "standard": 7.5, "express": 19.0},
    {"region": "East", "standard": 8.0, "express": 21.0},
    {"region": "West", "standard": 11.0, "express": 29.0},
]
FREE_STANDARD_FROM = 200.0  # standard shipping is free from this order total (after discounts)

RETURNS: list[dict[str, Any]] = [
    {"item": "Unused items", "days": 45},
    {"item": "Opened sleeping bags", "days": 30},
    {"item": "Sale items", "days": 14},
]

WARRANTY: list[dict[str, Any]] = [
    {"category": "Tents", "years": 2},
    {"category": "Sleeping Bags", "years": 3},
    {"category": "Stoves", "years": 1},
    {"category": "Backpacks", "years": 5},
]

# guide title -> (slug, text, products it links to)
GUIDES: dict[str, tuple[str, str, list[str]]] = {
    "Winter camping": (
        "winter-camping",
        "For nights below freezing, sleep in the Polar Down 0 and cook on the Duo Burner, which "
        "keeps working when canisters freeze. Carry it all in the Expedition 80.",
        ["Polar Down 0", "Duo Burner", "Expedition 80"],
    ),
    "Ultralight basics": (
        "ultralight",
        "Go light: shelter under the Alcove UL1, sleep under the Summit Quilt and boil water on "
        "the Pocket Flame.",
        ["Alcove UL1", "Summit Quilt", "Pocket Flame"],
    ),
    "Family car camping": (
        "family-camping",
        "Pitch the Basecamp 6 (or the Drifter 2 for a couple), cook a real breakfast on the Duo "
        "Burner, and pack snacks for the day hike in the Daylite 22.",
        ["Basecamp 6", "Drifter 2", "Duo Burner", "Daylite 22"],
    ),
}


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    links: dict[str, str] = field(default_factory=dict)  # link text -> url, in page order
    table: list[dict[str, Any]] = field(default_factory=list)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def product_url(name: str) -> str:
    category = next(p[0] for p in PRODUCTS if p[1] == name)
    return f"/{CATEGORIES[category][0]}/{_slug(name)}"


def _build_site() -> dict[str, Page]:
    home = {"Home": "/"}
    site: dict[str, Page] = {
        "/": Page(
            SHOP,
            f"Welcome to {SHOP}, gear for the backcountry since 1998.",
            {c: f"/{slug}" for c, (slug, _, _) in CATEGORIES.items()}
            | {"Guides": "/guides", "Deals": "/deals", "Stores": "/stores", "Help": "/help"},
        )
    }
    for category, (slug, column, label) in CATEGORIES.items():
        items = [p for p in PRODUCTS if p[0] == category]
        site[f"/{slug}"] = Page(
            category,
            f"Our {category.lower()}, by name. Prices in USD.",
            {name: product_url(name) for _, name, *_ in items} | home,
            [{"product": name, "price": price, column: key} for _, name, price, _, key, _ in items],
        )
        for _, name, price, weight, key, blurb in items:
            url = product_url(name)
            site[url] = Page(
                name,
                f"{name}: {blurb}",
                {"Reviews": f"{url}/reviews", category: f"/{slug}"} | home,
                [
                    {"spec": "Price (USD)", "value": price},
                    {"spec": "Weight (kg)", "value": weight},
                    {"spec": label, "value": key},
                ],
            )
            reviews = REVIEWS.get(name, [])
            site[f"{url}/reviews"] = Page(
                f"{name} reviews",
                f"Customer reviews of the {name}." if reviews else "No reviews yet.",
                {name: url} | home,
                [{"author": a, "stars": s, "comment": c} for a, s, c in reviews],
            )
    site["/guides"] = Page(
        "Guides",
        "Trip planning guides from our staff.",
        {title: f"/guides/{slug}" for title, (slug, _, _) in GUIDES.items()} | home,
    )
    for title, (slug, text, products) in GUIDES.items():
        site[f"/guides/{slug}"] = Page(
            title, text, {p: product_url(p) for p in products} | {"Guides": "/guides"} | home
        )
    site["/deals"] = Page(
        "Deals",
        "One code per order. A code applies to items of its category when their price before "
        "the discount is at least min_order (USD).",
        dict(home),
        copy.deepcopy(DEALS),
    )
    site["/stores"] = Page(
        "Stores",
        "Visit us in person. Opening hours below (24-hour clock).",
        {store: f"/stores/{_slug(store)}" for store in STORES} | home,
        [{"store": s, "opens": o, "closes": c} for s, (o, c, _) in STORES.items()],
    )
    for store, (_, _, stock) in STORES.items():
        site[f"/stores/{_slug(store)}"] = Page(
            f"{store} store",
            f"In-store stock at {store}, updated this morning.",
            {"Stores": "/stores"} | home,
            [{"product": p, "quantity": q} for p, q in stock.items()],
        )
    site["/help"] = Page(
        "Help",
        "Answers about orders.",
        {"Shipping": "/help/shipping", "Returns": "/help/returns", "Warranty": "/help/warranty"}
        | home,
    )
    site["/help/shipping"] = Page(
        "Shipping",
        f"Shipping costs in USD by region. Standard shipping is free when the order total after "
        f"discounts is ${FREE_STANDARD_FROM:.0f} or more; express shipping is never free.",
        {"Help": "/help"} | home,
        copy.deepcopy(SHIPPING),
    )
    site["/help/returns"] = Page(
        "Returns",
        "Return windows in days from delivery.",
        {"Help": "/help"} | home,
        copy.deepcopy(RETURNS),
    )
    site["/help/warranty"] = Page(
        "Warranty",
        "Warranty length by product category.",
        {"Help": "/help"} | home,
        copy.deepcopy(WARRANTY),
    )
    return site


SITE: dict[str, Page] = _build_site()

# --- tools -----------------------------------------------------------------------------------


class Browser:
    """A browser on the simulated site: a current page and the history of pages before it."""

    def __init__(self, site: dict[str, Page] | None = None) -> None:
        self.site = site if site is not None else SITE
        self.current: str | None = None
        self.history: list[str] = []

    def open_page(self, url: str) -> dict[str, Any]:
        """Open the page at `url` (a path such as "/" or "/tents"). Returns its url, title and
        the texts of its links; use read_page() to see its content."""
        url = url.strip() or "/"
        if url not in self.site:
            raise ValueError(f"404: no page at {url!r}")
        return self._go(url)

    def click_link(self, text: str) -> dict[str, Any]:
        """Follow the link with this text on the current page. Returns the new page's url, title
        and link texts."""
        page = self._page()
        wanted = text.strip().lower()
        for link, url in page.links.items():
            if link.lower() == wanted:
                return self._go(url)
        raise ValueError(f"no link {text!r} on this page; its links: {list(page.links)}")

    def go_back(self) -> dict[str, Any]:
        """Go back to the previous page, like a browser's back button. Returns that page's url,
        title and link texts."""
        if not self.history:
            raise ValueError("there is no previous page")
        self.current = self.history.pop()
        return self._view()

    def read_page(self) -> dict[str, Any]:
        """Read the current page: {"url", "title", "text", "links": [{"text", "url"}], "table":
        [rows as dicts]} (the table is empty when the page has none)."""
        page = self._page()
        return {
            "url": self.current,
            "title": page.title,
            "text": page.text,
            "links": [{"text": t, "url": u} for t, u in page.links.items()],
            "table": copy.deepcopy(page.table),
        }

    def search_site(self, query: str) -> list[dict[str, str]]:
        """Search the site: the pages whose title or text contain every word of `query` (any
        case), as [{"title", "url"}]. Does not change the current page."""
        words = query.lower().split()
        return [
            {"title": page.title, "url": url}
            for url, page in self.site.items()
            if words and all(w in f"{page.title} {page.text}".lower() for w in words)
        ]

    def _page(self) -> Page:
        if self.current is None:
            raise ValueError("no page is open yet; call open_page first")
        return self.site[self.current]

    def _go(self, url: str) -> dict[str, Any]:
        if self.current is not None:
            self.history.append(self.current)
        self.current = url
        return self._view()

    def _view(self) -> dict[str, Any]:
        page = self._page()
        return {"url": self.current, "title": page.title, "links": list(page.links)}


def make_tools() -> list[Tool]:
    """The browsing tools over a new browser: no page open, an empty history."""
    b = Browser()
    return [
        FunctionTool(f) for f in (b.open_page, b.click_link, b.go_back, b.read_page, b.search_site)
    ]


# --- tasks -----------------------------------------------------------------------------------

_TOOLS = make_tools()


def _task(
    n: int, prompt: str, calls: Sequence[Call], code: str, answer: Any, check: Check | None = None
) -> Task:
    return planned_task(
        "web", f"{n:02d}", prompt, calls, code, answer, make_tools, tools=_TOOLS, check=check
    )


def _open(url: str) -> Call:
    return Call("open_page", {"url": url})


def _click(text: str) -> Call:
    return Call("click_link", {"text": text})


READ = Call("read_page")
BACK = Call("go_back")


def _browse(*steps: tuple[str, str]) -> Browser:
    """A new browser after `steps`: ("open", url), ("click", link text) or ("back", "")."""
    b = Browser()
    for kind, arg in steps:
        if kind == "open":
            b.open_page(arg)
        elif kind == "click":
            b.click_link(arg)
        else:
            b.go_back()
    return b


def _table(*steps: tuple[str, str]) -> list[dict[str, Any]]:
    """The table of the page reached by `steps`."""
    table: list[dict[str, Any]] = _browse(*steps).read_page()["table"]
    return table


def _specs(*steps: tuple[str, str]) -> dict[str, Any]:
    """The specs of the product page reached by `steps`."""
    return {row["spec"]: row["value"] for row in _table(*steps)}


def _row(table: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    row: dict[str, Any] = _only([r for r in table if r[key] == value])
    return row


def _discounted(price: float, category: str) -> float:
    """The price after the deal code of its category, when the price qualifies."""
    deal = _row(_table(("open", "/deals")), "category", category)
    if price >= deal["min_order"]:
        price *= 1 - deal["discount_percent"] / 100
    return round(price, 2)


def _order_total(product: str, category_url: str, category: str, region: str) -> float:
    """One product with its category's deal code, shipped standard to `region`."""
    price = _discounted(_row(_table(("open", category_url)), "product", product)["price"], category)
    shipping = _row(_table(("open", "/help/shipping")), "region", region)["standard"]
    return round(price + (0.0 if price >= FREE_STANDARD_FROM else shipping), 2)


def _average(values: list[int]) -> float:
    return round(sum(values) / len(values), 2)


def _only(values: list[Any]) -> Any:
    """The single value of a list the task says has exactly one; the data guarantees it."""
    if len(values) != 1:
        raise AssertionError(f"expected exactly one answer, got {values}")
    return values[0]


_SPECS = """{r["spec"]: r["value"] for r in read_page()["table"]}"""


def _build() -> list[Task]:
    tasks: list[Task] = []
    add = tasks.append
    site = "On the Trailhead Supply website (the home page is /), "

    # 1: the cheapest tent, reached from the home page
    tents = _table(("open", "/"), ("click", "Tents"))
    cheapest = min(tents, key=lambda r: r["price"])
    add(
        _task(
            1,
            site + "starting from the home page, go to the Tents category and find the cheapest "
            'tent. Return a dict {"product": NAME, "price": PRICE_USD}.',
            [_open("/"), _click("Tents"), READ],
            """
open_page("/")
click_link("Tents")
best = min(read_page()["table"], key=lambda r: r["price"])
print({"product": best["product"], "price": best["price"]})
""",
            {"product": cheapest["product"], "price": cheapest["price"]},
        )
    )

    # 2: two product pages of one category, with go_back
    w45 = _specs(("open", "/backpacks"), ("click", "Switchback 45"))["Weight (kg)"]
    w60 = _specs(("open", "/backpacks"), ("click", "Switchback 60"))["Weight (kg)"]
    add(
        _task(
            2,
            site + "how much heavier, in kg, is the Switchback 60 backpack than the Switchback "
            "45? The weights are on the product pages. Return a number rounded to 2 decimals.",
            [
                _open("/backpacks"),
                _click("Switchback 45"),
                READ,
                BACK,
                _click("Switchback 60"),
                READ,
            ],
            f"""
open_page("/backpacks")
weights = {{}}
for name in ["Switchback 45", "Switchback 60"]:
    click_link(name)
    weights[name] = {_SPECS}["Weight (kg)"]
    go_back()
print(round(weights["Switchback 60"] - weights["Switchback 45"], 2))
""",
            round(w60 - w45, 2),
        )
    )

    # 3: the average of a product's reviews
    stars = [
        r["stars"] for r in _table(("open", "/tents"), ("click", "Ridge 2"), ("click", "Reviews"))
    ]
    add(
        _task(
            3,
            site + "what is the average star rating of the customer reviews of the Ridge 2 tent? "
            "Return a number rounded to 2 decimals.",
            [_open("/tents"), _click("Ridge 2"), _click("Reviews"), READ],
            """
open_page("/tents")
click_link("Ridge 2")
click_link("Reviews")
stars = [r["stars"] for r in read_page()["table"]]
print(round(sum(stars) / len(stars), 2))
""",
            _average(stars),
        )
    )

    # 4: a price after a deal code, if it qualifies
    ridge2 = _row(_table(("open", "/tents")), "product", "Ridge 2")["price"]
    add(
        _task(
            4,
            site + "what does the Ridge 2 tent cost after applying the Deals page code for "
            "tents (only if the tent qualifies for it)? Return the price in USD rounded to 2 "
            "decimals.",
            [_open("/deals"), READ, _open("/tents"), READ],
            """
open_page("/deals")
deal = next(d for d in read_page()["table"] if d["category"] == "Tents")
open_page("/tents")
price = next(r["price"] for r in read_page()["table"] if r["product"] == "Ridge 2")
if price >= deal["min_order"]:
    price = price * (1 - deal["discount_percent"] / 100)
print(round(price, 2))
""",
            _discounted(ridge2, "Tents"),
        )
    )

    # 5: from a guide to the product it recommends
    guide = _browse(("open", "/"), ("click", "Guides"), ("click", "Winter camping"))
    bag = _only(
        [lk for lk in guide.read_page()["links"] if lk["url"].startswith("/sleeping-bags/")]
    )
    guide.click_link(bag["text"])
    bag_price = {r["spec"]: r["value"] for r in guide.read_page()["table"]}["Price (USD)"]
    add(
        _task(
            5,
            site + "go from the home page to Guides, open the Winter camping guide, and find "
            'the sleeping bag it recommends. Return a dict {"product": NAME, "price": '
            "PRICE_USD}.",
            [
                _open("/"),
                _click("Guides"),
                _click("Winter camping"),
                READ,
                _click(bag["text"]),
                READ,
            ],
            f"""
open_page("/")
click_link("Guides")
click_link("Winter camping")
for link in read_page()["links"]:
    if link["url"].startswith("/sleeping-bags/"):
        page = click_link(link["text"])
        print({{"product": page["title"], "price": {_SPECS}["Price (USD)"]}})
        break
""",
            {"product": bag["text"], "price": bag_price},
        )
    )

    # 6: the store that opens first
    stores = _table(("open", "/"), ("click", "Stores"))
    add(
        _task(
            6,
            site + "starting from the home page, find which store opens earliest in the "
            "morning. Return the store name.",
            [_open("/"), _click("Stores"), READ],
            """
open_page("/")
click_link("Stores")
print(min(read_page()["table"], key=lambda r: r["opens"])["store"])
""",
            min(stores, key=lambda r: r["opens"])["store"],
        )
    )

    # 7: stock over every store page
    store_links = [
        lk for lk in _browse(("open", "/stores")).read_page()["links"]
        if lk["url"].startswith("/stores/")
    ]  # fmt: skip
    ridge_stock = {
        lk["text"]: sum(
            r["quantity"] for r in _table(("open", lk["url"])) if r["product"] == "Ridge 2"
        )
        for lk in store_links
    }
    best_store = _only([s for s, q in ridge_stock.items() if q == max(ridge_stock.values())])
    add(
        _task(
            7,
            site + "which store has the most units of the Ridge 2 tent in stock? Each store has "
            "its own page. Return the store name.",
            [_open("/stores"), READ] + [c for lk in store_links for c in (_open(lk["url"]), READ)],
            """
open_page("/stores")
stock = {}
for link in read_page()["links"]:
    if link["url"].startswith("/stores/"):
        open_page(link["url"])
        rows = read_page()["table"]
        stock[link["text"]] = sum(r["quantity"] for r in rows if r["product"] == "Ridge 2")
print(max(stock, key=stock.get))
""",
            best_store,
        )
    )

    # 8: an order total with a code and paid shipping
    add(
        _task(
            8,
            site + "what is the total cost of ordering one Trail Boiler stove, using the "
            "Deals page code for its category if the stove qualifies, shipped standard to the "
            "West region? Follow the rules on the Shipping help page. Return the total in USD "
            "rounded to 2 decimals.",
            [_open("/stoves"), READ, _open("/deals"), READ, _open("/help/shipping"), READ],
            _ORDER_CODE.format(
                category_url="/stoves", product="Trail Boiler", category="Stoves", region="West"
            ),
            _order_total("Trail Boiler", "/stoves", "Stoves", "West"),
        )
    )

    # 9: a help page two clicks from home
    returns = _table(("open", "/"), ("click", "Help"), ("click", "Returns"))
    add(
        _task(
            9,
            site + "starting from the home page and going through Help, find how many days "
            "customers have to return a sale item. Return the number of days.",
            [_open("/"), _click("Help"), _click("Returns"), READ],
            """
open_page("/")
click_link("Help")
click_link("Returns")
print(next(r["days"] for r in read_page()["table"] if r["item"] == "Sale items"))
""",
            _row(returns, "item", "Sale items")["days"],
        )
    )

    # 10: two help pages, reached by relative links
    warranty = _table(("open", "/help"), ("click", "Warranty"))
    add(
        _task(
            10,
            site + "the Help section (at /help) has a Returns page and a Warranty page. For an "
            "opened Ember 20 sleeping bag, how many days are there to return it, and how many "
            'years of warranty does it have? Return a dict {"return_days": DAYS, '
            '"warranty_years": YEARS}.',
            [_open("/help"), _click("Returns"), READ, _click("Help"), _click("Warranty"), READ],
            """
open_page("/help")
click_link("Returns")
days = next(r["days"] for r in read_page()["table"] if r["item"] == "Opened sleeping bags")
click_link("Help")
click_link("Warranty")
years = next(r["years"] for r in read_page()["table"] if r["category"] == "Sleeping Bags")
print({"return_days": days, "warranty_years": years})
""",
            {
                "return_days": _row(returns, "item", "Opened sleeping bags")["days"],
                "warranty_years": _row(warranty, "category", "Sleeping Bags")["years"],
            },
        )
    )

    # 11: search results, then each result's page
    hits = Browser().search_site("waterproof")
    hit_prices = {h["title"]: _specs(("open", h["url"]))["Price (USD)"] for h in hits}
    best_hit = min(hit_prices, key=lambda k: hit_prices[k])
    add(
        _task(
            11,
            site + 'search the site for "waterproof". Among the products whose pages are found, '
            'which is the cheapest? Return a dict {"product": NAME, "price": PRICE_USD}.',
            [Call("search_site", {"query": "waterproof"})]
            + [c for h in hits for c in (_open(h["url"]), READ)],
            f"""
prices = {{}}
for hit in search_site("waterproof"):
    open_page(hit["url"])
    prices[hit["title"]] = {_SPECS}["Price (USD)"]
best = min(prices, key=prices.get)
print({{"product": best, "price": prices[best]}})
""",
            {"product": best_hit, "price": hit_prices[best_hit]},
        )
    )

    # 12: a chain of clicks, the last one chosen from a page's links
    ultralight = _browse(("open", "/"), ("click", "Guides"), ("click", "Ultralight basics"))
    first_product = ultralight.read_page()["links"][0]["text"]
    reviews12 = _table(
        ("open", "/"),
        ("click", "Guides"),
        ("click", "Ultralight basics"),
        ("click", first_product),
        ("click", "Reviews"),
    )
    add(
        _task(
            12,
            site + "go from the home page to Guides, then to the Ultralight basics guide, then "
            "follow the guide's first link (a product), then open that product's Reviews. Who "
            "wrote the review with the fewest stars? Return the author's name.",
            [
                _open("/"),
                _click("Guides"),
                _click("Ultralight basics"),
                _click(first_product),
                _click("Reviews"),
                READ,
            ],
            """
open_page("/")
click_link("Guides")
page = click_link("Ultralight basics")
click_link(page["links"][0])
click_link("Reviews")
print(min(read_page()["table"], key=lambda r: r["stars"])["author"])
""",
            min(reviews12, key=lambda r: r["stars"])["author"],
        )
    )

    # 13: the total weight of a guide's kit
    kit = [
        lk for lk in _browse(("open", "/guides/ultralight")).read_page()["links"]
        if not lk["url"].startswith("/guides") and lk["url"] != "/"
    ]  # fmt: skip
    kit_weight = round(sum(_specs(("open", lk["url"]))["Weight (kg)"] for lk in kit), 2)
    add(
        _task(
            13,
            site + "the guide at /guides/ultralight links to the products of an ultralight kit. "
            "What is the kit's total weight in kg (one of each product)? Return a number "
            "rounded to 2 decimals.",
            [_open("/guides/ultralight"), READ]
            + [c for lk in kit for c in (_open(lk["url"]), READ)],
            f"""
open_page("/guides/ultralight")
total = 0
for link in read_page()["links"]:
    if not link["url"].startswith("/guides") and link["url"] != "/":
        open_page(link["url"])
        total += {_SPECS}["Weight (kg)"]
print(round(total, 2))
""",
            kit_weight,
        )
    )

    # 14: filter and sort a category table
    add(
        _task(
            14,
            site + "starting from the home page, list the tents that sleep at least 2 people "
            "and cost under $300, cheapest first. Return a list of product names.",
            [_open("/"), _click("Tents"), READ],
            """
open_page("/")
click_link("Tents")
rows = [r for r in read_page()["table"] if r["capacity"] >= 2 and r["price"] < 300]
print([r["product"] for r in sorted(rows, key=lambda r: r["price"])])
""",
            [
                r["product"]
                for r in sorted(tents, key=lambda r: r["price"])
                if r["capacity"] >= 2 and r["price"] < 300
            ],
        )
    )

    # 15: the cheapest warm bag, then its deal
    bags = _table(("open", "/sleeping-bags"))
    warm = min((r for r in bags if r["limit_c"] <= -5), key=lambda r: r["price"])
    add(
        _task(
            15,
            site + "find the cheapest sleeping bag with a temperature limit of -5 C or colder, "
            "and its price after the Deals page code for sleeping bags (if it qualifies). "
            'Return a dict {"product": NAME, "price": PRICE_USD rounded to 2 decimals}.',
            [_open("/sleeping-bags"), READ, _open("/deals"), READ],
            """
open_page("/sleeping-bags")
bag = min((r for r in read_page()["table"] if r["limit_c"] <= -5), key=lambda r: r["price"])
open_page("/deals")
deal = next(d for d in read_page()["table"] if d["category"] == "Sleeping Bags")
price = bag["price"]
if price >= deal["min_order"]:
    price = price * (1 - deal["discount_percent"] / 100)
print({"product": bag["product"], "price": round(price, 2)})
""",
            {"product": warm["product"], "price": _discounted(warm["price"], "Sleeping Bags")},
        )
    )

    # 16: stores open at a given time
    all_stores = _table(("open", "/stores"))
    add(
        _task(
            16,
            site + "which stores are open at 08:30? Return a list of store names in the order "
            "the Stores page lists them.",
            [_open("/stores"), READ],
            """
open_page("/stores")
print([r["store"] for r in read_page()["table"] if r["opens"] <= "08:30" < r["closes"]])
""",
            [r["store"] for r in all_stores if r["opens"] <= "08:30" < r["closes"]],
        )
    )

    # 17: a store's stock and a category price
    granite = _table(("open", "/stores"), ("click", "Granite Bay"))
    sw60 = _row(granite, "product", "Switchback 60")
    add(
        _task(
            17,
            site + "is the Switchback 60 backpack in stock (quantity above 0) at the Granite "
            'Bay store, and what is its price? Return a dict {"in_stock": true or false, '
            '"price": PRICE_USD}.',
            [_open("/stores"), _click("Granite Bay"), READ, _open("/backpacks"), READ],
            """
open_page("/stores")
click_link("Granite Bay")
qty = sum(r["quantity"] for r in read_page()["table"] if r["product"] == "Switchback 60")
open_page("/backpacks")
price = next(r["price"] for r in read_page()["table"] if r["product"] == "Switchback 60")
print({"in_stock": qty > 0, "price": price})
""",
            {
                "in_stock": sw60["quantity"] > 0,
                "price": _row(_table(("open", "/backpacks")), "product", "Switchback 60")["price"],
            },
        )
    )

    # 18: the best deal, then the cheapest item it could apply to
    deals = _table(("open", "/"), ("click", "Deals"))
    top_deal = max(deals, key=lambda d: d["discount_percent"])
    category_rows = _table(("open", "/"), ("click", top_deal["category"]))
    cheap = min(category_rows, key=lambda r: r["price"])
    add(
        _task(
            18,
            site + "starting from the home page, find the Deals code with the largest discount, "
            "then the cheapest product of that code's category, and its price with the code "
            '(only if it qualifies). Return a dict {"code": CODE, "product": NAME, "price": '
            "PRICE_USD rounded to 2 decimals}.",
            [
                _open("/"),
                _click("Deals"),
                READ,
                _click("Home"),
                _click(top_deal["category"]),
                READ,
            ],
            """
open_page("/")
click_link("Deals")
deal = max(read_page()["table"], key=lambda d: d["discount_percent"])
click_link("Home")
click_link(deal["category"])
best = min(read_page()["table"], key=lambda r: r["price"])
price = best["price"]
if price >= deal["min_order"]:
    price = price * (1 - deal["discount_percent"] / 100)
print({"code": deal["code"], "product": best["product"], "price": round(price, 2)})
""",
            {
                "code": top_deal["code"],
                "product": cheap["product"],
                "price": _discounted(cheap["price"], top_deal["category"]),
            },
        )
    )

    # 19: compare two review pages found by search
    review_hits = Browser().search_site("Ridge reviews")
    averages = {
        h["title"].removesuffix(" reviews"): _average(
            [r["stars"] for r in _table(("open", h["url"]))]
        )
        for h in review_hits
    }
    add(
        _task(
            19,
            site + "which tent has the higher average review rating, the Ridge 2 or the Ridge "
            '3? (Searching the site for "Ridge reviews" finds their review pages.) Return the '
            "product name.",
            [Call("search_site", {"query": "Ridge reviews"})]
            + [c for h in review_hits for c in (_open(h["url"]), READ)],
            """
averages = {}
for hit in search_site("Ridge reviews"):
    open_page(hit["url"])
    stars = [r["stars"] for r in read_page()["table"]]
    averages[hit["title"].removesuffix(" reviews")] = sum(stars) / len(stars)
print(max(averages, key=averages.get))
""",
            _only([p for p, a in averages.items() if a == max(averages.values())]),
        )
    )

    # 20: an order that qualifies for free shipping
    add(
        _task(
            20,
            site + "what is the total cost of ordering one Basecamp 6 tent, using the Deals "
            "page code for its category if the tent qualifies, shipped standard to the North "
            "region? Follow the rules on the Shipping help page. Return the total in USD "
            "rounded to 2 decimals.",
            [_open("/tents"), READ, _open("/deals"), READ, _open("/help/shipping"), READ],
            _ORDER_CODE.format(
                category_url="/tents", product="Basecamp 6", category="Tents", region="North"
            ),
            _order_total("Basecamp 6", "/tents", "Tents", "North"),
        )
    )

    # 21: a category summary and its warranty
    stoves = _table(("open", "/stoves"))
    canister = [r["price"] for r in stoves if r["fuel"] == "canister"]
    add(
        _task(
            21,
            site + "how many stoves burn canister fuel, what is their average price, and how "
            'many years of warranty do stoves have? Return a dict {"count": N, '
            '"average_price": PRICE_USD rounded to 2 decimals, "warranty_years": YEARS}.',
            [_open("/stoves"), READ, _open("/help/warranty"), READ],
            """
open_page("/stoves")
prices = [r["price"] for r in read_page()["table"] if r["fuel"] == "canister"]
open_page("/help/warranty")
years = next(r["years"] for r in read_page()["table"] if r["category"] == "Stoves")
print({"count": len(prices), "average_price": round(sum(prices) / len(prices), 2),
       "warranty_years": years})
""",
            {
                "count": len(canister),
                "average_price": round(sum(canister) / len(canister), 2),
                "warranty_years": _row(_table(("open", "/help/warranty")), "category", "Stoves")[
                    "years"
                ],
            },
        )
    )

    # 22: guides found by search, counted by their links
    guide_hits = [h for h in Browser().search_site("Duo Burner") if h["url"].startswith("/guides/")]
    guide_links = {
        h["title"]: [
            t for t in Browser().open_page(h["url"])["links"] if t not in ("Guides", "Home")
        ]
        for h in guide_hits
    }
    add(
        _task(
            22,
            site + "which guides mention the Duo Burner, and how many product links does each "
            "of them have (links other than Guides and Home)? Return a dict mapping guide title "
            'to count, e.g. {"Some guide": 2}.',
            [Call("search_site", {"query": "Duo Burner"})] + [_open(h["url"]) for h in guide_hits],
            """
result = {}
for hit in search_site("Duo Burner"):
    if hit["url"].startswith("/guides/"):
        page = open_page(hit["url"])
        result[page["title"]] = len([t for t in page["links"] if t not in ("Guides", "Home")])
print(result)
""",
            {title: len(links) for title, links in guide_links.items()},
        )
    )

    # 23: the intersection of two stores' stock
    def in_stock(store: str) -> set[str]:
        rows = _table(("open", "/stores"), ("click", store))
        return {r["product"] for r in rows if r["quantity"] > 0}

    add(
        _task(
            23,
            site + "which products are in stock (quantity above 0) at both the Cedar Falls and "
            "the Pinecrest stores? Return a list of product names (any order).",
            [_open("/stores"), _click("Cedar Falls"), READ, BACK, _click("Pinecrest"), READ],
            """
open_page("/stores")
stock = {}
for store in ["Cedar Falls", "Pinecrest"]:
    click_link(store)
    stock[store] = {r["product"] for r in read_page()["table"] if r["quantity"] > 0}
    go_back()
print(sorted(stock["Cedar Falls"] & stock["Pinecrest"]))
""",
            sorted(in_stock("Cedar Falls") & in_stock("Pinecrest")),
            Check(unordered=True),
        )
    )

    # 24: three product pages, by the urls a category page links to
    packs = {lk["text"]: lk["url"] for lk in _browse(("open", "/backpacks")).read_page()["links"]}
    pack_names = ["Expedition 80", "Switchback 45", "Switchback 60"]
    pack_weight = {n: _specs(("open", packs[n]))["Weight (kg)"] for n in pack_names}
    add(
        _task(
            24,
            site + "how much heavier, in kg, is the Expedition 80 backpack than the average "
            "weight of the Switchback 45 and Switchback 60? Return a number rounded to 3 "
            "decimals.",
            [_open("/backpacks"), READ] + [c for n in pack_names for c in (_open(packs[n]), READ)],
            f"""
open_page("/backpacks")
urls = {{link["text"]: link["url"] for link in read_page()["links"]}}
weight = {{}}
for name in ["Expedition 80", "Switchback 45", "Switchback 60"]:
    open_page(urls[name])
    weight[name] = {_SPECS}["Weight (kg)"]
print(round(weight["Expedition 80"] - (weight["Switchback 45"] + weight["Switchback 60"]) / 2, 3))
""",
            round(
                pack_weight["Expedition 80"]
                - (pack_weight["Switchback 45"] + pack_weight["Switchback 60"]) / 2,
                3,
            ),
        )
    )

    # 25: the tents a guide recommends, priced from the category table
    family = _browse(("open", "/guides"), ("click", "Family car camping")).read_page()["links"]
    family_tents = [lk["text"] for lk in family if lk["url"].startswith("/tents/")]
    add(
        _task(
            25,
            site + "the Family car camping guide (under Guides) recommends some tents. What is "
            "their total price, one of each? Return the total in USD.",
            [_open("/guides"), _click("Family car camping"), READ, _open("/tents"), READ],
            """
open_page("/guides")
click_link("Family car camping")
names = [link["text"] for link in read_page()["links"] if link["url"].startswith("/tents/")]
open_page("/tents")
print(sum(r["price"] for r in read_page()["table"] if r["product"] in names))
""",
            sum(r["price"] for r in tents if r["product"] in family_tents),
        )
    )

    # 26: a product found by search, its category, then the warranty table
    woodsman = Browser().search_site("Woodsman")[0]
    category = _only([t for t in Browser().open_page(woodsman["url"])["links"] if t in CATEGORIES])
    add(
        _task(
            26,
            site + "how many years of warranty does the Woodsman have? Warranties depend on the "
            "product's category; the product page links to its category. Return the number of "
            "years.",
            [
                Call("search_site", {"query": "Woodsman"}),
                _open(woodsman["url"]),
                _open("/help/warranty"),
                READ,
            ],
            """
hit = search_site("Woodsman")[0]
page = open_page(hit["url"])
category = [t for t in page["links"] if t not in ("Reviews", "Home")][0]
open_page("/help/warranty")
print(next(r["years"] for r in read_page()["table"] if r["category"] == category))
""",
            _row(_table(("open", "/help/warranty")), "category", category)["years"],
        )
    )
    return tasks


# the code for an order total: one product, its category's deal code, standard shipping
_ORDER_CODE = """
open_page("{category_url}")
price = next(r["price"] for r in read_page()["table"] if r["product"] == "{product}")
open_page("/deals")
deal = next(d for d in read_page()["table"] if d["category"] == "{category}")
if price >= deal["min_order"]:
    price = price * (1 - deal["discount_percent"] / 100)
open_page("/help/shipping")
shipping = next(r["standard"] for r in read_page()["table"] if r["region"] == "{region}")
if price >= 200:  # the Shipping page: standard shipping is free from $200 after discounts
    shipping = 0
print(round(price + shipping, 2))
"""


SUITE = Suite(
    name="web",
    description="Browse a simulated shop website with stateful navigation to answer questions.",
    tasks=_build(),
)

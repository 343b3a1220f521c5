"""Web browsing: a simulated outdoor-gear shop with categories, products, reviews, deals, stores,
guides and help pages, browsed through a stateful browser.

The browser keeps a current page and a history: `click_link` follows a link of the current page and
`go_back` returns to the previous one, so a tool-call plan must navigate in a valid order.
`make_tools` builds a new browser for every run. The shop's records are in data/web.json (the pages
are laid out from them here); the tasks and their references are in data/web.toml.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from codeact.bench.datafiles import Record, data_file, load_records, suite_from_file
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------


class Category(Record):
    slug: str  # its url
    column: str  # its key spec's column in the category table
    label: str  # the key spec's label on product pages


class Product(Record):
    category: str
    name: str
    price: float  # USD
    weight: float  # kg
    key_spec: int | str  # the category's key spec
    blurb: str


class Review(Record):
    author: str
    stars: int
    comment: str


class Deal(Record):
    code: str
    discount_percent: int
    category: str
    min_order: int


class Store(Record):
    opens: str
    closes: str
    stock: dict[str, int]  # product -> quantity


class Shipping(Record):
    region: str
    standard: float
    express: float


class ReturnWindow(Record):
    item: str
    days: int


class Warranty(Record):
    category: str
    years: int


class Guide(Record):
    slug: str
    text: str
    products: list[str]  # those it links to


class WebData(Record):
    shop: str
    categories: dict[str, Category]
    products: list[Product]
    reviews: dict[str, list[Review]]  # products not listed have no reviews yet
    deals: list[Deal]
    stores: dict[str, Store]
    shipping: list[Shipping]
    free_standard_from: float  # standard shipping is free from this order total
    returns: list[ReturnWindow]
    warranty: list[Warranty]
    guides: dict[str, Guide]


DATA = load_records(data_file("web.json"), WebData)

# --- the site ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    links: dict[str, str] = field(default_factory=dict)  # link text -> url, in page order
    table: list[dict[str, Any]] = field(default_factory=list)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def product_url(name: str) -> str:
    category = next(p.category for p in DATA.products if p.name == name)
    return f"/{DATA.categories[category].slug}/{_slug(name)}"


def _build_site() -> dict[str, Page]:
    home = {"Home": "/"}
    shop = DATA.shop
    site: dict[str, Page] = {
        "/": Page(
            shop,
            f"Welcome to {shop}, gear for the backcountry since 1998.",
            {c: f"/{cat.slug}" for c, cat in DATA.categories.items()}
            | {"Guides": "/guides", "Deals": "/deals", "Stores": "/stores", "Help": "/help"},
        )
    }
    for category, cat in DATA.categories.items():
        items = [p for p in DATA.products if p.category == category]
        site[f"/{cat.slug}"] = Page(
            category,
            f"Our {category.lower()}, by name. Prices in USD.",
            {p.name: product_url(p.name) for p in items} | home,
            [{"product": p.name, "price": p.price, cat.column: p.key_spec} for p in items],
        )
        for p in items:
            site |= _product_pages(p, category, cat)
    site["/guides"] = Page(
        "Guides",
        "Trip planning guides from our staff.",
        {title: f"/guides/{g.slug}" for title, g in DATA.guides.items()} | home,
    )
    for title, g in DATA.guides.items():
        site[f"/guides/{g.slug}"] = Page(
            title, g.text, {p: product_url(p) for p in g.products} | {"Guides": "/guides"} | home
        )
    site["/deals"] = Page(
        "Deals",
        "One code per order. A code applies to items of its category when their price before "
        "the discount is at least min_order (USD).",
        dict(home),
        _rows(DATA.deals),
    )
    site["/stores"] = Page(
        "Stores",
        "Visit us in person. Opening hours below (24-hour clock).",
        {store: f"/stores/{_slug(store)}" for store in DATA.stores} | home,
        [{"store": s, "opens": st.opens, "closes": st.closes} for s, st in DATA.stores.items()],
    )
    for store, st in DATA.stores.items():
        site[f"/stores/{_slug(store)}"] = Page(
            f"{store} store",
            f"In-store stock at {store}, updated this morning.",
            {"Stores": "/stores"} | home,
            [{"product": p, "quantity": q} for p, q in st.stock.items()],
        )
    return site | _help_pages(home)


def _product_pages(p: Product, category: str, cat: Category) -> dict[str, Page]:
    home = {"Home": "/"}
    url = product_url(p.name)
    reviews = DATA.reviews.get(p.name, [])
    return {
        url: Page(
            p.name,
            f"{p.name}: {p.blurb}",
            {"Reviews": f"{url}/reviews", category: f"/{cat.slug}"} | home,
            [
                {"spec": "Price (USD)", "value": p.price},
                {"spec": "Weight (kg)", "value": p.weight},
                {"spec": cat.label, "value": p.key_spec},
            ],
        ),
        f"{url}/reviews": Page(
            f"{p.name} reviews",
            f"Customer reviews of the {p.name}." if reviews else "No reviews yet.",
            {p.name: url} | home,
            _rows(reviews),
        ),
    }


def _help_pages(home: dict[str, str]) -> dict[str, Page]:
    back = {"Help": "/help"} | home
    return {
        "/help": Page(
            "Help",
            "Answers about orders.",
            {"Shipping": "/help/shipping", "Returns": "/help/returns", "Warranty": "/help/warranty"}
            | home,
        ),
        "/help/shipping": Page(
            "Shipping",
            f"Shipping costs in USD by region. Standard shipping is free when the order total "
            f"after discounts is ${DATA.free_standard_from:.0f} or more; express shipping is never "
            "free.",
            back,
            _rows(DATA.shipping),
        ),
        "/help/returns": Page(
            "Returns", "Return windows in days from delivery.", back, _rows(DATA.returns)
        ),
        "/help/warranty": Page(
            "Warranty", "Warranty length by product category.", back, _rows(DATA.warranty)
        ),
    }


def _rows(records: list[Any]) -> list[dict[str, Any]]:
    return [r.model_dump() for r in records]


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


# --- tasks: data/web.toml --------------------------------------------------------------------

__getattr__ = suite_from_file("web.toml", make_tools)

"""Trade and tariffs: a product catalog, tariff schedules, trade agreements, quotas, exchange rates
and freight quotes.

Multi-turn tasks in the spirit of the paper's M3ToolEval, with data and tasks of our own: each
task composes several tools, usually over a few products or countries with a loop or a condition
(which agreement qualifies, which supplier lands cheaper, how a quota splits a shipment). All the
countries' rules, rates and products are invented (the country codes only name the markets) and
deterministic. The records are in data/trade.json, the tasks and their references in
data/trade.toml; the tests run each task's code against these tools.

Conventions the prompts rely on: goods value in USD = quantity x unit_price x
exchange_rate(currency, "USD"); duty = customs value x rate / 100; money is rounded only at the
end. The rules for agreements, valuation and VAT are in the tools' docstrings, which the model
reads.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from codeact.bench.datafiles import Record, data_file, load_records, suite_from_file
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------


class Country(Record):
    name: str
    currency: str
    vat_pct: float  # import VAT
    valuation: Literal["FOB", "CIF"]  # duty on the goods value, or on goods plus freight
    de_minimis: float  # in the local currency: parcels up to it pay no duty or VAT
    region: str  # for freight lanes


class Product(Record):
    name: str
    hs_code: str
    origin: str  # country code
    unit_price: float
    currency: str  # of unit_price
    unit_weight_kg: float
    regional_content_pct: int  # the share of its value that counts as originating


class Schedule(Record):
    default_pct: float  # the MFN rate of anything not listed
    rates: dict[str, float]  # by HS heading (4 digits) or chapter (2 digits)


class AdditionalDuty(Record):
    schedule: str
    exporter: str  # a country code, or "*" for any
    hs_prefix: str
    measure: str
    rate_pct: float


class Agreement(Record):
    members: list[str]
    chapters: list[str]  # HS chapters covered; empty: all
    reduction_pct: float  # of the MFN rate
    min_regional_content_pct: float


class Quota(Record):
    schedule: str
    heading: str
    quota_kg: float  # a year's
    used_kg: float  # already this year
    in_quota_pct: float
    over_quota_pct: float


class Mode(Record):
    per_kg_usd: float
    minimum_usd: float
    transit_days: int


class Lane(Record):
    regions: tuple[str, str]  # either direction
    sea: Mode
    air: Mode


class TradeData(Record):
    countries: dict[str, Country]
    rates: dict[str, float]  # units of each currency per US dollar
    products: dict[str, Product]
    schedule_of: dict[str, str]  # countries applying another's schedule (DE, FR: "EU")
    mfn: dict[str, Schedule]
    additional: list[AdditionalDuty]
    agreements: dict[str, Agreement]
    quotas: list[Quota]
    freight: list[Lane]
    handling_usd: float  # added to every freight quote

    @model_validator(mode="after")
    def _consistent(self) -> TradeData:
        for sku, p in self.products.items():
            if p.origin not in self.countries or p.currency not in self.rates:
                raise ValueError(f"product {sku}: unknown origin or currency")
        for code in self.countries:
            if self.schedule_of.get(code, code) not in self.mfn:
                raise ValueError(f"country {code} has no tariff schedule")
        return self


DATA = load_records(data_file("trade.json"), TradeData)
QUOTAS = {(q.schedule, q.heading): q for q in DATA.quotas}
FREIGHT = {tuple(sorted(lane.regions)): lane for lane in DATA.freight}

# --- tools -----------------------------------------------------------------------------------


def _country(code: str) -> str:
    code = code.strip().upper()
    if code not in DATA.countries:
        raise ValueError(f"unknown country {code!r}; known: {', '.join(DATA.countries)}")
    return code


def _digits(hs_code: str) -> str:
    digits = str(hs_code).replace(".", "").strip()  # str(): a text action may give 8471.30 bare
    if len(digits) < 4 or not digits.isdigit():
        raise ValueError(f"not an HS code: {hs_code!r} (write it like 8471.30)")
    return digits


def _schedule(country: str) -> str:
    return DATA.schedule_of.get(country, country)


def search_products(keyword: str) -> list[dict[str, Any]]:
    """Catalog products whose name contains `keyword` (case-insensitive), by sku.

    Each is {"sku", "name", "hs_code", "origin"} (origin: the country code it ships from).
    """
    word = keyword.strip().lower()
    return [
        {"sku": sku, "name": p.name, "hs_code": p.hs_code, "origin": p.origin}
        for sku, p in sorted(DATA.products.items())
        if word in p.name.lower()
    ]


def get_product(sku: str) -> dict[str, Any]:
    """One catalog product: {"sku", "name", "hs_code", "origin" (country code), "unit_price",
    "currency" (of unit_price), "unit_weight_kg", "regional_content_pct" (the share of its value
    that counts as originating, for trade agreements' rules of origin)}."""
    key = sku.strip().upper()
    if key not in DATA.products:
        raise ValueError(f"unknown sku {sku!r}")
    return {"sku": key, **DATA.products[key].model_dump()}


def country_info(country: str) -> dict[str, Any]:
    """Customs facts about a country (code, e.g. "DE").

    Returns {"code", "name", "currency", "vat_pct", "valuation", "de_minimis", "region"}.
    valuation "FOB": duty is charged on the goods value; "CIF": on goods value plus freight.
    Import VAT is vat_pct of (customs value + duty). Parcels whose goods value, in the local
    currency, is at most de_minimis (local currency) pay no duty or VAT.
    """
    code = _country(country)
    return {"code": code, **DATA.countries[code].model_dump()}


def get_tariff(importer: str, exporter: str, hs_code: str) -> dict[str, Any]:
    """Tariff on goods with `hs_code` (e.g. "8471.30") shipped from `exporter` into `importer`
    (country codes), before any trade agreement.

    Returns {"importer", "exporter", "hs_code", "mfn_rate_pct", "additional_duties" (list of
    {"measure", "rate_pct"}, charged on top of the MFN rate and never reduced by agreements),
    "tariff_rate_quota" (true when get_quota sets the rates instead of mfn_rate_pct)}.
    """
    imp, exp = _country(importer), _country(exporter)
    digits, schedule = _digits(hs_code), _schedule(imp)
    mfn = DATA.mfn[schedule]
    rate = mfn.rates.get(digits[:4], mfn.rates.get(digits[:2], mfn.default_pct))
    extra = [
        {"measure": d.measure, "rate_pct": d.rate_pct}
        for d in DATA.additional
        if d.schedule == schedule and d.exporter in ("*", exp) and digits.startswith(d.hs_prefix)
    ]
    if schedule == _schedule(exp):
        rate, extra = 0.0, []  # inside one customs territory
    return {
        "importer": imp,
        "exporter": exp,
        "hs_code": str(hs_code).strip(),
        "mfn_rate_pct": rate,
        "additional_duties": extra,
        "tariff_rate_quota": (schedule, digits[:4]) in QUOTAS,
    }


def find_agreements(country_a: str, country_b: str) -> list[str]:
    """Names of the trade agreements both countries (codes) belong to, alphabetically."""
    a, b = _country(country_a), _country(country_b)
    return sorted(name for name, terms in DATA.agreements.items() if {a, b} <= set(terms.members))


def get_agreement(name: str) -> dict[str, Any]:
    """Terms of a trade agreement by name.

    Returns {"name", "members", "chapters" (HS chapters covered, the first 2 digits of the code;
    empty list: all chapters), "reduction_pct", "min_regional_content_pct"}. A product traded
    between two members qualifies when its chapter is covered and its regional_content_pct is at
    least min_regional_content_pct; then its MFN rate (or quota rates) is cut by reduction_pct
    percent: rate x (1 - reduction_pct / 100). Additional duties still apply in full.
    """
    for known, terms in DATA.agreements.items():
        if known.lower() == name.strip().lower():
            return {"name": known, **terms.model_dump()}
    raise ValueError(f"unknown agreement {name!r}; known: {', '.join(DATA.agreements)}")


def exchange_rate(from_ccy: str, to_ccy: str) -> float:
    """How many units of `to_ccy` one unit of `from_ccy` buys (ISO codes, e.g. "CNY", "USD"),
    to 6 significant digits."""
    src, dst = from_ccy.strip().upper(), to_ccy.strip().upper()
    for ccy in (src, dst):
        if ccy not in DATA.rates:
            raise ValueError(f"unknown currency {ccy!r}; known: {', '.join(DATA.rates)}")
    return float(f"{DATA.rates[dst] / DATA.rates[src]:.6g}")


def shipping_quote(origin: str, dest: str, weight_kg: float, mode: str) -> dict[str, Any]:
    """Freight quote for `weight_kg` from country `origin` to country `dest` by `mode` ("sea" or
    "air"; "sea" means road or rail inside one region).

    Returns {"origin", "dest", "mode", "weight_kg", "cost_usd", "transit_days"}; cost_usd is the
    larger of weight x rate and the lane's minimum, plus a $45 handling fee.
    """
    src, dst = _country(origin), _country(dest)
    lane = FREIGHT[tuple(sorted((DATA.countries[src].region, DATA.countries[dst].region)))]
    if mode not in ("sea", "air"):
        raise ValueError(f"unknown mode {mode!r}; use 'sea' or 'air'")
    rate: Mode = getattr(lane, mode)
    return {
        "origin": src,
        "dest": dst,
        "mode": mode,
        "weight_kg": weight_kg,
        "cost_usd": round(
            max(rate.minimum_usd, weight_kg * rate.per_kg_usd) + DATA.handling_usd, 2
        ),
        "transit_days": rate.transit_days,
    }


class QuotaBook:
    """Tariff-rate quotas as they stand in one run: reservations use them up."""

    def __init__(self) -> None:
        self.used = {key: q.used_kg for key, q in QUOTAS.items()}

    def _key(self, importer: str, hs_code: str) -> tuple[str, str]:
        return _schedule(_country(importer)), _digits(hs_code)[:4]

    def get_quota(self, importer: str, hs_code: str) -> dict[str, Any]:
        """The tariff-rate quota of `importer` (country code) for goods with `hs_code`, if any.

        Returns {"importer", "hs_code", "has_quota"} and, when there is one, "quota_kg",
        "remaining_kg", "in_quota_rate_pct" (for kg within the remaining quota) and
        "over_quota_rate_pct" (for the rest). Reserve quota with reserve_quota.
        """
        key = self._key(importer, hs_code)
        found: dict[str, Any] = {"importer": importer, "hs_code": hs_code, "has_quota": False}
        if key in QUOTAS:
            quota = QUOTAS[key]
            found |= {
                "has_quota": True,
                "quota_kg": quota.quota_kg,
                "remaining_kg": quota.quota_kg - self.used[key],
                "in_quota_rate_pct": quota.in_quota_pct,
                "over_quota_rate_pct": quota.over_quota_pct,
            }
        return found

    def reserve_quota(self, importer: str, hs_code: str, kg: float) -> dict[str, Any]:
        """Claim quota for a shipment of `kg` kilograms: as much as remains enters in-quota.

        Returns {"in_quota_kg", "over_quota_kg", "remaining_kg" (left after this shipment)}.
        """
        key = self._key(importer, hs_code)
        if key not in QUOTAS:
            raise ValueError(f"{importer} has no tariff-rate quota for {hs_code}")
        total = QUOTAS[key].quota_kg
        inside = min(kg, total - self.used[key])
        self.used[key] += inside
        return {
            "in_quota_kg": inside,
            "over_quota_kg": kg - inside,
            "remaining_kg": total - self.used[key],
        }


def make_tools() -> list[Tool]:
    """Fresh tool instances for one run, with the quotas as they stand at the start of the year."""
    quotas = QuotaBook()
    functions = (
        search_products, get_product, country_info, get_tariff, find_agreements, get_agreement,
        exchange_rate, shipping_quote, quotas.get_quota, quotas.reserve_quota,
    )  # fmt: skip
    return [FunctionTool(f) for f in functions]


# --- tasks: data/trade.toml ------------------------------------------------------------------

__getattr__ = suite_from_file("trade.toml", make_tools)

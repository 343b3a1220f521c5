"""Trade and tariffs: a product catalog, tariff schedules, trade agreements, quotas, exchange rates
and freight quotes.

Multi-turn tasks in the spirit of the paper's M3ToolEval, with data and tasks of our own: each
task composes several tools, usually over a few products or countries with a loop or a condition
(which agreement qualifies, which supplier lands cheaper, how a quota splits a shipment). All the
countries' rules, rates and products are invented (the country codes only name the markets) and
deterministic. The ground truth is computed below by calling the tool functions themselves; the
code reference is checked against it by the tests.

Conventions the prompts rely on: goods value in USD = quantity x unit_price x
exchange_rate(currency, "USD"); duty = customs value x rate / 100; money is rounded only at the
end. The rules for agreements, valuation and VAT are in the tools' docstrings, which the model
reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from codeact.bench.suite import Call, Check, Suite, Task, planned_task
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------

# code -> (name, currency, import VAT %, customs valuation, de minimis in local currency, region)
COUNTRIES: dict[str, tuple[str, str, float, str, float, str]] = {
    "US": ("United States", "USD", 0.0, "FOB", 800.0, "NA"),
    "CA": ("Canada", "CAD", 5.0, "FOB", 150.0, "NA"),
    "MX": ("Mexico", "MXN", 16.0, "CIF", 1000.0, "NA"),
    "BR": ("Brazil", "BRL", 17.0, "CIF", 250.0, "SA"),
    "DE": ("Germany", "EUR", 19.0, "CIF", 150.0, "EU"),
    "FR": ("France", "EUR", 20.0, "CIF", 150.0, "EU"),
    "GB": ("United Kingdom", "GBP", 20.0, "CIF", 135.0, "EU"),
    "JP": ("Japan", "JPY", 10.0, "CIF", 10000.0, "EA"),
    "KR": ("South Korea", "KRW", 10.0, "CIF", 150000.0, "EA"),
    "CN": ("China", "CNY", 13.0, "CIF", 50.0, "EA"),
    "VN": ("Vietnam", "VND", 10.0, "CIF", 1000000.0, "EA"),
    "IN": ("India", "INR", 18.0, "CIF", 0.0, "SAS"),
}

# units of each currency per US dollar
RATES: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "JPY": 157.0,
    "KRW": 1370.0,
    "CNY": 7.25,
    "INR": 83.4,
    "MXN": 17.1,
    "CAD": 1.37,
    "BRL": 5.1,
    "VND": 25400.0,
}

# sku -> (name, HS code, origin, unit price, price currency, unit weight kg, regional content %)
PRODUCTS: dict[str, tuple[str, str, str, float, str, float, int]] = {
    "P-100": ("Laptop computer 14in", "8471.30", "CN", 2450.0, "CNY", 1.6, 35),
    "P-101": ("Laptop computer 15in", "8471.30", "VN", 340.0, "USD", 2.0, 48),
    "P-102": ("Laptop computer 13in", "8471.30", "MX", 6100.0, "MXN", 1.4, 68),
    "P-110": ("Lithium-ion battery pack", "8507.60", "KR", 52000.0, "KRW", 0.9, 72),
    "P-111": ("Lithium-ion battery pack", "8507.60", "CN", 310.0, "CNY", 1.0, 80),
    "P-120": ("Cotton T-shirt", "6109.10", "IN", 260.0, "INR", 0.18, 90),
    "P-121": ("Cotton T-shirt", "6109.10", "VN", 3.1, "USD", 0.2, 55),
    "P-122": ("Cotton T-shirt", "6109.10", "MX", 58.0, "MXN", 0.19, 58),
    "P-130": ("Wool sweater", "6110.11", "GB", 38.0, "GBP", 0.45, 85),
    "P-140": ("Steel bolts, box of 100", "7318.15", "CN", 42.0, "CNY", 2.5, 95),
    "P-141": ("Steel bolts, box of 100", "7318.15", "IN", 510.0, "INR", 2.5, 92),
    "P-142": ("Steel bolts, box of 100", "7318.15", "DE", 6.4, "EUR", 2.4, 88),
    "P-150": ("Hot-rolled steel coil, 1 tonne", "7208.39", "BR", 3600.0, "BRL", 1000.0, 97),
    "P-151": ("Hot-rolled steel coil, 1 tonne", "7208.39", "KR", 890000.0, "KRW", 1000.0, 90),
    "P-160": ("Cane sugar, 50 kg bag", "1701.14", "BR", 165.0, "BRL", 50.0, 100),
    "P-161": ("Cane sugar, 50 kg bag", "1701.14", "MX", 690.0, "MXN", 50.0, 100),
    "P-170": ("Roasted coffee, 1 kg", "0901.21", "BR", 52.0, "BRL", 1.0, 100),
    "P-180": ("Passenger car tire", "4011.10", "JP", 13500.0, "JPY", 9.5, 76),
    "P-181": ("Passenger car tire", "4011.10", "CN", 380.0, "CNY", 10.0, 60),
    "P-182": ("Passenger car tire", "4011.10", "MX", 1450.0, "MXN", 9.8, 71),
    "P-190": ("Electric bicycle", "8711.60", "CN", 5200.0, "CNY", 24.0, 40),
    "P-191": ("Electric bicycle", "8711.60", "DE", 980.0, "EUR", 23.0, 66),
    "P-200": ("Red wine, case of 12", "2204.21", "FR", 96.0, "EUR", 16.0, 100),
    "P-201": ("Cheddar cheese, 1 kg", "0406.90", "GB", 11.5, "GBP", 1.0, 100),
    "P-210": ("Smartphone", "8517.13", "KR", 780000.0, "KRW", 0.4, 58),
    "P-211": ("Smartphone", "8517.13", "CN", 2900.0, "CNY", 0.4, 45),
    "P-220": ("Solar panel 400 W", "8541.43", "CN", 780.0, "CNY", 22.0, 70),
    "P-221": ("Solar panel 400 W", "8541.43", "IN", 15500.0, "INR", 22.0, 50),
}

# Germany and France apply the common schedule "EU"; everyone else their own
SCHEDULE_OF: dict[str, str] = {"DE": "EU", "FR": "EU"}
# schedule -> (default MFN rate %, rates by HS heading (4 digits) or chapter (2 digits))
MFN: dict[str, tuple[float, dict[str, float]]] = {
    "US": (
        3.5,
        {
            "8471": 0.0,
            "8507": 3.4,
            "8517": 0.0,
            "8541": 0.0,
            "6109": 16.5,
            "6110": 16.0,
            "7318": 8.5,
            "72": 0.0,
            "1701": 35.0,
            "0901": 0.0,
            "4011": 4.0,
            "8711": 2.5,
            "2204": 6.3,
            "0406": 10.0,
        },
    ),
    "EU": (
        4.0,
        {
            "8471": 0.0,
            "8507": 2.7,
            "8517": 2.0,
            "8541": 0.0,
            "6109": 12.0,
            "6110": 12.0,
            "7318": 3.7,
            "72": 0.0,
            "1701": 33.9,
            "0901": 7.5,
            "4011": 4.5,
            "8711": 6.0,
            "2204": 13.1,
            "0406": 14.0,
        },
    ),
    "GB": (4.0, {"8471": 0.0, "8517": 0.0, "61": 12.0, "7318": 4.0, "2204": 10.0, "0406": 8.0}),
    "JP": (
        3.0,
        {"8517": 3.0, "8507": 2.5, "61": 10.9, "7318": 0.0, "0406": 29.8, "2204": 15.0, "4011": 0.0}
        | {"8541": 0.0, "8711": 0.0},
    ),
    "CA": (5.0, {"61": 18.0, "7318": 6.5, "8711": 8.0, "4011": 7.0, "0406": 245.5, "2204": 4.7}),
    "MX": (10.0, {"8471": 0.0, "6109": 20.0, "7318": 10.0}),
    "KR": (8.0, {"8517": 0.0}),
    "CN": (8.0, {}),
    "BR": (14.0, {}),
    "IN": (12.0, {}),
    "VN": (10.0, {}),
}

# duties on top of the MFN rate: (schedule, exporter or "*" for any, HS prefix, measure, rate %)
ADDITIONAL: list[tuple[str, str, str, str, float]] = [
    ("US", "CN", "84", "Section 301 duty", 25.0),
    ("US", "CN", "85", "Section 301 duty", 25.0),
    ("US", "CN", "87", "Section 301 duty", 25.0),
    ("US", "CN", "73", "Section 301 duty", 25.0),
    ("US", "CN", "40", "Section 301 duty", 7.5),
    ("US", "*", "72", "Steel safeguard duty", 25.0),
    ("US", "BR", "7208", "Anti-dumping duty", 34.3),
    ("US", "CN", "7208", "Anti-dumping duty", 18.6),
    ("US", "KR", "7208", "Countervailing duty", 3.9),
    ("EU", "CN", "8711", "Anti-dumping duty", 18.8),
    ("EU", "CN", "7318", "Anti-dumping duty", 22.1),
    ("EU", "CN", "8541", "Anti-dumping duty", 11.5),
    ("CA", "CN", "8711", "Anti-dumping duty", 9.5),
]

# name -> (members, covered HS chapters (empty: all), reduction of the MFN rate %, min content %)
AGREEMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], float, float]] = {
    "North American Compact": (("US", "CA", "MX"), (), 100.0, 60.0),
    "Americas Agrifood Pact": (("US", "CA", "MX", "BR"), ("04", "09", "17", "22"), 50.0, 90.0),
    "Asia Tech Pact": (("CN", "JP", "KR", "VN"), ("84", "85"), 60.0, 40.0),
    "Euro-Pacific Partnership": (
        ("DE", "FR", "JP", "KR"),
        ("40", "73", "84", "85", "87"),
        100.0,
        60.0,
    ),
    "EU Customs Union": (("DE", "FR"), (), 100.0, 0.0),
    "Trans-Channel Agreement": (("GB", "DE", "FR"), (), 100.0, 50.0),
    "UK-Japan Partnership": (("GB", "JP"), (), 50.0, 55.0),
    "EU-Vietnam Framework": (("DE", "FR", "VN"), (), 75.0, 40.0),
    "Indo-Pacific Textile Accord": (("IN", "VN", "JP", "KR"), ("61", "62"), 50.0, 40.0),
}

# (schedule, HS heading) -> (annual quota kg, kg already used this year, in-quota %, over-quota %)
QUOTAS: dict[tuple[str, str], tuple[float, float, float, float]] = {
    ("US", "1701"): (40000.0, 28500.0, 1.5, 35.0),
    ("EU", "1701"): (20000.0, 19000.0, 0.0, 33.9),
    ("JP", "0406"): (5000.0, 1200.0, 10.0, 29.8),
    ("CA", "0406"): (8000.0, 7950.0, 3.0, 245.5),
}

# freight between regions, either direction: mode -> (USD per kg, minimum USD, transit days)
FREIGHT: dict[tuple[str, str], dict[str, tuple[float, float, int]]] = {
    ("EA", "NA"): {"sea": (0.62, 300.0, 22), "air": (4.8, 150.0, 4)},
    ("EA", "EU"): {"sea": (0.7, 320.0, 34), "air": (5.1, 160.0, 5)},
    ("EU", "NA"): {"sea": (0.55, 280.0, 14), "air": (4.2, 140.0, 3)},
    ("NA", "SA"): {"sea": (0.48, 250.0, 12), "air": (3.9, 130.0, 3)},
    ("NA", "SAS"): {"sea": (0.74, 300.0, 28), "air": (5.3, 160.0, 5)},
    ("EU", "SAS"): {"sea": (0.66, 300.0, 24), "air": (4.6, 150.0, 4)},
    ("EA", "SAS"): {"sea": (0.5, 260.0, 16), "air": (3.6, 120.0, 3)},
    ("EA", "SA"): {"sea": (0.9, 350.0, 38), "air": (6.2, 180.0, 6)},
    ("EU", "SA"): {"sea": (0.6, 290.0, 20), "air": (4.5, 150.0, 4)},
    ("SA", "SAS"): {"sea": (0.8, 330.0, 30), "air": (5.8, 170.0, 6)},
    ("NA", "NA"): {"sea": (0.3, 120.0, 5), "air": (2.5, 90.0, 2)},
    ("EU", "EU"): {"sea": (0.25, 100.0, 4), "air": (2.2, 80.0, 1)},
    ("EA", "EA"): {"sea": (0.35, 140.0, 6), "air": (2.8, 100.0, 2)},
    ("SA", "SA"): {"sea": (0.3, 120.0, 6), "air": (2.4, 90.0, 2)},
    ("SAS", "SAS"): {"sea": (0.3, 120.0, 6), "air": (2.4, 90.0, 2)},
}
HANDLING_USD = 45.0  # added to every freight quote

# --- tools -----------------------------------------------------------------------------------


def _country(code: str) -> str:
    code = code.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"unknown country {code!r}; known: {', '.join(COUNTRIES)}")
    return code


def _digits(hs_code: str) -> str:
    digits = str(hs_code).replace(".", "").strip()  # str(): a text action may give 8471.30 bare
    if len(digits) < 4 or not digits.isdigit():
        raise ValueError(f"not an HS code: {hs_code!r} (write it like 8471.30)")
    return digits


def _schedule(country: str) -> str:
    return SCHEDULE_OF.get(country, country)


def search_products(keyword: str) -> list[dict[str, Any]]:
    """Catalog products whose name contains `keyword` (case-insensitive), by sku.

    Each is {"sku", "name", "hs_code", "origin"} (origin: the country code it ships from).
    """
    word = keyword.strip().lower()
    return [
        {"sku": sku, "name": p[0], "hs_code": p[1], "origin": p[2]}
        for sku, p in sorted(PRODUCTS.items())
        if word in p[0].lower()
    ]


def get_product(sku: str) -> dict[str, Any]:
    """One catalog product: {"sku", "name", "hs_code", "origin" (country code), "unit_price",
    "currency" (of unit_price), "unit_weight_kg", "regional_content_pct" (the share of its value
    that counts as originating, for trade agreements' rules of origin)}."""
    key = sku.strip().upper()
    if key not in PRODUCTS:
        raise ValueError(f"unknown sku {sku!r}")
    name, hs, origin, price, ccy, weight, content = PRODUCTS[key]
    return {
        "sku": key,
        "name": name,
        "hs_code": hs,
        "origin": origin,
        "unit_price": price,
        "currency": ccy,
        "unit_weight_kg": weight,
        "regional_content_pct": content,
    }


def country_info(country: str) -> dict[str, Any]:
    """Customs facts about a country (code, e.g. "DE").

    Returns {"code", "name", "currency", "vat_pct", "valuation", "de_minimis", "region"}.
    valuation "FOB": duty is charged on the goods value; "CIF": on goods value plus freight.
    Import VAT is vat_pct of (customs value + duty). Parcels whose goods value, in the local
    currency, is at most de_minimis (local currency) pay no duty or VAT.
    """
    code = _country(country)
    name, ccy, vat, valuation, minimis, region = COUNTRIES[code]
    return {
        "code": code,
        "name": name,
        "currency": ccy,
        "vat_pct": vat,
        "valuation": valuation,
        "de_minimis": minimis,
        "region": region,
    }


def get_tariff(importer: str, exporter: str, hs_code: str) -> dict[str, Any]:
    """Tariff on goods with `hs_code` (e.g. "8471.30") shipped from `exporter` into `importer`
    (country codes), before any trade agreement.

    Returns {"importer", "exporter", "hs_code", "mfn_rate_pct", "additional_duties" (list of
    {"measure", "rate_pct"}, charged on top of the MFN rate and never reduced by agreements),
    "tariff_rate_quota" (true when get_quota sets the rates instead of mfn_rate_pct)}.
    """
    imp, exp = _country(importer), _country(exporter)
    digits = _digits(hs_code)
    default, rates = MFN[_schedule(imp)]
    rate = rates.get(digits[:4], rates.get(digits[:2], default))
    extra = [
        {"measure": measure, "rate_pct": pct}
        for sched, who, prefix, measure, pct in ADDITIONAL
        if sched == _schedule(imp) and who in ("*", exp) and digits.startswith(prefix)
    ]
    if _schedule(imp) == _schedule(exp):
        rate, extra = 0.0, []  # inside one customs territory
    return {
        "importer": imp,
        "exporter": exp,
        "hs_code": str(hs_code).strip(),
        "mfn_rate_pct": rate,
        "additional_duties": extra,
        "tariff_rate_quota": (_schedule(imp), digits[:4]) in QUOTAS,
    }


def find_agreements(country_a: str, country_b: str) -> list[str]:
    """Names of the trade agreements both countries (codes) belong to, alphabetically."""
    a, b = _country(country_a), _country(country_b)
    return sorted(name for name, (members, *_) in AGREEMENTS.items() if {a, b} <= set(members))


def get_agreement(name: str) -> dict[str, Any]:
    """Terms of a trade agreement by name.

    Returns {"name", "members", "chapters" (HS chapters covered, the first 2 digits of the code;
    empty list: all chapters), "reduction_pct", "min_regional_content_pct"}. A product traded
    between two members qualifies when its chapter is covered and its regional_content_pct is at
    least min_regional_content_pct; then its MFN rate (or quota rates) is cut by reduction_pct
    percent: rate x (1 - reduction_pct / 100). Additional duties still apply in full.
    """
    for known, (members, chapters, reduction, content) in AGREEMENTS.items():
        if known.lower() == name.strip().lower():
            return {
                "name": known,
                "members": list(members),
                "chapters": list(chapters),
                "reduction_pct": reduction,
                "min_regional_content_pct": content,
            }
    raise ValueError(f"unknown agreement {name!r}; known: {', '.join(AGREEMENTS)}")


def exchange_rate(from_ccy: str, to_ccy: str) -> float:
    """How many units of `to_ccy` one unit of `from_ccy` buys (ISO codes, e.g. "CNY", "USD"),
    to 6 significant digits."""
    src, dst = from_ccy.strip().upper(), to_ccy.strip().upper()
    for ccy in (src, dst):
        if ccy not in RATES:
            raise ValueError(f"unknown currency {ccy!r}; known: {', '.join(RATES)}")
    return float(f"{RATES[dst] / RATES[src]:.6g}")


def shipping_quote(origin: str, dest: str, weight_kg: float, mode: str) -> dict[str, Any]:
    """Freight quote for `weight_kg` from country `origin` to country `dest` by `mode` ("sea" or
    "air"; "sea" means road or rail inside one region).

    Returns {"origin", "dest", "mode", "weight_kg", "cost_usd", "transit_days"}; cost_usd is the
    larger of weight x rate and the lane's minimum, plus a $45 handling fee.
    """
    src, dst = _country(origin), _country(dest)
    lane = tuple(sorted((COUNTRIES[src][5], COUNTRIES[dst][5])))
    modes = FREIGHT[(lane[0], lane[1])]
    if mode not in modes:
        raise ValueError(f"unknown mode {mode!r}; use 'sea' or 'air'")
    per_kg, minimum, days = modes[mode]
    return {
        "origin": src,
        "dest": dst,
        "mode": mode,
        "weight_kg": weight_kg,
        "cost_usd": round(max(minimum, weight_kg * per_kg) + HANDLING_USD, 2),
        "transit_days": days,
    }


class QuotaBook:
    """Tariff-rate quotas as they stand in one run: reservations use them up."""

    def __init__(self) -> None:
        self.used = {key: q[1] for key, q in QUOTAS.items()}

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
            total, _, inside, over = QUOTAS[key]
            found |= {
                "has_quota": True,
                "quota_kg": total,
                "remaining_kg": total - self.used[key],
                "in_quota_rate_pct": inside,
                "over_quota_rate_pct": over,
            }
        return found

    def reserve_quota(self, importer: str, hs_code: str, kg: float) -> dict[str, Any]:
        """Claim quota for a shipment of `kg` kilograms: as much as remains enters in-quota.

        Returns {"in_quota_kg", "over_quota_kg", "remaining_kg" (left after this shipment)}.
        """
        key = self._key(importer, hs_code)
        if key not in QUOTAS:
            raise ValueError(f"{importer} has no tariff-rate quota for {hs_code}")
        inside = min(kg, QUOTAS[key][0] - self.used[key])
        self.used[key] += inside
        return {
            "in_quota_kg": inside,
            "over_quota_kg": kg - inside,
            "remaining_kg": QUOTAS[key][0] - self.used[key],
        }


_FUNCTIONS: list[Callable[..., Any]] = [
    search_products,
    get_product,
    country_info,
    get_tariff,
    find_agreements,
    get_agreement,
    exchange_rate,
    shipping_quote,
]


def make_tools() -> list[Tool]:
    """Fresh tool instances for one run, with the quotas as they stand at the start of the year."""
    quotas = QuotaBook()
    tools: list[Tool] = [FunctionTool(f) for f in _FUNCTIONS]
    return [*tools, FunctionTool(quotas.get_quota), FunctionTool(quotas.reserve_quota)]


# --- tasks -----------------------------------------------------------------------------------

_TOOLS = make_tools()
MONEY = Check(tolerance=0.011)  # a cent either way: the same sum rounded in another order
UNORDERED = Check(unordered=True)


def _task(
    slug: str, prompt: str, calls: Sequence[Call], code: str, answer: Any, check: Check = MONEY
) -> Task:
    return planned_task(
        "trade", slug, prompt, calls, code, answer, make_tools, tools=_TOOLS, check=check
    )


def _product(sku: str) -> Call:
    return Call("get_product", {"sku": sku})


def _tariff(importer: str, exporter: str, hs_code: str) -> Call:
    return Call("get_tariff", {"importer": importer, "exporter": exporter, "hs_code": hs_code})


def _rate(src: str, dst: str) -> Call:
    return Call("exchange_rate", {"from_ccy": src, "to_ccy": dst})


def _agreements(a: str, b: str) -> Call:
    return Call("find_agreements", {"country_a": a, "country_b": b})


def _agreement(name: str) -> Call:
    return Call("get_agreement", {"name": name})


def _ship(origin: str, dest: str, kg: float, mode: str) -> Call:
    return Call("shipping_quote", {"origin": origin, "dest": dest, "weight_kg": kg, "mode": mode})


def _value_usd(sku: str, quantity: int) -> float:
    p = get_product(sku)
    return float(quantity * p["unit_price"] * exchange_rate(p["currency"], "USD"))


def _extra_pct(tariff: dict[str, Any]) -> float:
    return float(sum(d["rate_pct"] for d in tariff["additional_duties"]))


def _preference(sku: str, importer: str) -> tuple[float, list[str]]:
    """The largest MFN reduction % any qualifying agreement gives `sku` into `importer`, and the
    agreements looked at."""
    p = get_product(sku)
    names = find_agreements(p["origin"], importer)
    best = 0.0
    for name in names:
        terms = get_agreement(name)
        covered = not terms["chapters"] or p["hs_code"][:2] in terms["chapters"]
        if covered and p["regional_content_pct"] >= terms["min_regional_content_pct"]:
            best = max(best, float(terms["reduction_pct"]))
    return best, names


# the helper a CodeAct agent would write for agreements, shared by several code references
_PREFERENCE_CODE = """
def preference(product, importer):
    best = 0
    for name in find_agreements(product["origin"], importer):
        terms = get_agreement(name)
        covered = not terms["chapters"] or product["hs_code"][:2] in terms["chapters"]
        if covered and product["regional_content_pct"] >= terms["min_regional_content_pct"]:
            best = max(best, terms["reduction_pct"])
    return best
"""


def _simple_duty(slug: str, sku: str, quantity: int) -> Task:
    p = get_product(sku)
    tariff = get_tariff("US", p["origin"], p["hs_code"])
    duty = _value_usd(sku, quantity) * (tariff["mfn_rate_pct"] + _extra_pct(tariff)) / 100
    return _task(
        slug,
        f"What duty does the US charge on {quantity} units of sku {sku}, imported from the "
        "product's origin country? Goods value in USD = quantity x unit_price x "
        'exchange_rate(currency, "USD"); the US charges duty on the goods value at the MFN rate '
        "plus any additional duties (no trade agreement applies). Answer in USD rounded to 2 "
        "decimals.",
        [
            _product(sku),
            _rate(p["currency"], "USD"),
            _tariff("US", p["origin"], p["hs_code"]),
        ],
        f"""
        p = get_product("{sku}")
        value = {quantity} * p["unit_price"] * exchange_rate(p["currency"], "USD")
        tariff = get_tariff("US", p["origin"], p["hs_code"])
        rate = tariff["mfn_rate_pct"] + sum(d["rate_pct"] for d in tariff["additional_duties"])
        print(round(value * rate / 100, 2))
        """,
        round(duty, 2),
    )


def _mexico_invoice() -> Task:
    lines = {"P-122": 1000, "P-182": 300}
    total = 0.0
    for sku, qty in lines.items():
        p = get_product(sku)
        tariff = get_tariff("US", p["origin"], p["hs_code"])
        cut, names = _preference(sku, "US")
        rate = tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)
        total += _value_usd(sku, qty) * rate / 100
    return _task(
        "mexico-invoice",
        "An importer brings 1000 units of P-122 and 300 units of P-182 from Mexico into the US, "
        "which charges duty on the goods value (USD, via exchange_rate). Each line's rate is the "
        "MFN rate, cut by the best qualifying trade agreement, plus any additional duties. "
        "Answer with the total duty in USD rounded to 2 decimals.",
        [_product("P-122"), _product("P-182"), _rate("MXN", "USD")]
        + [_tariff("US", "MX", get_product(s)["hs_code"]) for s in lines]
        + [_agreements("MX", "US")]
        + [_agreement(n) for n in names],
        _PREFERENCE_CODE
        + """
total = 0
for sku, qty in {"P-122": 1000, "P-182": 300}.items():
    p = get_product(sku)
    value = qty * p["unit_price"] * exchange_rate(p["currency"], "USD")
    tariff = get_tariff("US", p["origin"], p["hs_code"])
    extra = sum(d["rate_pct"] for d in tariff["additional_duties"])
    rate = tariff["mfn_rate_pct"] * (1 - preference(p, "US") / 100) + extra
    total += value * rate / 100
print(round(total, 2))
""",
        round(total, 2),
    )


def _bolts_supplier() -> Task:
    skus = ["P-140", "P-141"]
    landed = {}
    for sku in skus:
        p = get_product(sku)
        value = _value_usd(sku, 500)
        tariff = get_tariff("US", p["origin"], p["hs_code"])
        freight = shipping_quote(p["origin"], "US", 500 * p["unit_weight_kg"], "sea")["cost_usd"]
        rate = tariff["mfn_rate_pct"] + _extra_pct(tariff)
        landed[sku] = value + freight + value * rate / 100
    origins = [get_product(s) for s in skus]
    return _task(
        "bolts-supplier",
        "You need 500 boxes of steel bolts shipped by sea to the US, from supplier P-140 or "
        "P-141 (each ships from its origin). Landed cost = goods value in USD (via exchange_rate) "
        "+ the sea freight quote for the total weight + duty on the goods value at the MFN rate "
        "plus additional duties (no trade agreements apply). Which sku has the lower landed "
        "cost? Answer with the sku.",
        [_product(s) for s in skus]
        + [_rate(p["currency"], "USD") for p in origins]
        + [_ship(p["origin"], "US", 500 * p["unit_weight_kg"], "sea") for p in origins]
        + [_tariff("US", p["origin"], p["hs_code"]) for p in origins],
        """
        landed = {}
        for sku in ["P-140", "P-141"]:
            p = get_product(sku)
            value = 500 * p["unit_price"] * exchange_rate(p["currency"], "USD")
            freight = shipping_quote(p["origin"], "US", 500 * p["unit_weight_kg"], "sea")
            tariff = get_tariff("US", p["origin"], p["hs_code"])
            rate = tariff["mfn_rate_pct"] + sum(d["rate_pct"] for d in tariff["additional_duties"])
            landed[sku] = value + freight["cost_usd"] + value * rate / 100
        print(min(landed, key=landed.get))
        """,
        min(landed, key=lambda s: landed[s]),
        Check(),
    )


def _quota_duty(value: float, in_kg: float, over_kg: float, quota: dict[str, Any]) -> float:
    kg = in_kg + over_kg
    mix = in_kg * quota["in_quota_rate_pct"] + over_kg * quota["over_quota_rate_pct"]
    return float(value * mix / (kg * 100))


def _sugar_quota() -> Task:
    p = get_product("P-160")
    kg = 300 * p["unit_weight_kg"]
    quota = QuotaBook().get_quota("US", p["hs_code"])
    in_kg = min(kg, quota["remaining_kg"])
    cut, names = _preference("P-160", "US")
    duty = _quota_duty(_value_usd("P-160", 300), in_kg, kg - in_kg, quota) * (1 - cut / 100)
    return _task(
        "sugar-quota",
        "Import 300 bags of cane sugar P-160 from its origin into the US (a bag weighs "
        "unit_weight_kg). Under the US tariff-rate quota (get_quota), the kilograms that fit in "
        "the remaining quota pay the in-quota rate and the rest the over-quota rate; a "
        "qualifying trade agreement cuts both rates by its reduction. Duty = goods value in USD "
        "x (in-quota kg x in-quota rate + over-quota kg x over-quota rate) / (total kg x 100). "
        "Answer with the duty in USD rounded to 2 decimals.",
        [
            _product("P-160"),
            _rate(p["currency"], "USD"),
            Call("get_quota", {"importer": "US", "hs_code": p["hs_code"]}),
            _agreements(p["origin"], "US"),
        ]
        + [_agreement(n) for n in names],
        _PREFERENCE_CODE
        + """
p = get_product("P-160")
kg = 300 * p["unit_weight_kg"]
value = 300 * p["unit_price"] * exchange_rate(p["currency"], "USD")
quota = get_quota("US", p["hs_code"])
in_kg = min(kg, quota["remaining_kg"])
over_kg = kg - in_kg
cut = 1 - preference(p, "US") / 100
rate_mix = (in_kg * quota["in_quota_rate_pct"] + over_kg * quota["over_quota_rate_pct"]) * cut
print(round(value * rate_mix / (kg * 100), 2))
""",
        round(duty, 2),
    )


def _sugar_two_shipments() -> Task:
    book = QuotaBook()
    quota = book.get_quota("US", "1701.14")
    shipments = [("P-161", 240), ("P-160", 100)]
    total = 0.0
    calls = [_product(s) for s, _ in shipments]
    calls += [_rate(get_product(s)["currency"], "USD") for s, _ in shipments]
    calls.append(Call("get_quota", {"importer": "US", "hs_code": "1701.14"}))
    for sku, bags in shipments:
        p = get_product(sku)
        kg = bags * p["unit_weight_kg"]
        got = book.reserve_quota("US", p["hs_code"], kg)
        calls.append(Call("reserve_quota", {"importer": "US", "hs_code": p["hs_code"], "kg": kg}))
        total += _quota_duty(_value_usd(sku, bags), got["in_quota_kg"], got["over_quota_kg"], quota)
    return _task(
        "sugar-two-shipments",
        "Two sugar shipments clear US customs on the same day, in this order: 240 bags of P-161, "
        "then 100 bags of P-160, each from its origin. Claim quota for each with reserve_quota "
        "(in kg: bags x unit_weight_kg), in that order. Each shipment's duty = its goods value "
        "in USD (via exchange_rate) x (in-quota kg x in-quota rate + over-quota kg x over-quota "
        "rate) / (its kg x 100), with the rates from get_quota; ignore trade agreements here. "
        "Answer with the total duty of both shipments in USD rounded to 2 decimals.",
        calls,
        """
        quota = get_quota("US", "1701.14")
        total = 0
        for sku, bags in [("P-161", 240), ("P-160", 100)]:
            p = get_product(sku)
            kg = bags * p["unit_weight_kg"]
            value = bags * p["unit_price"] * exchange_rate(p["currency"], "USD")
            got = reserve_quota("US", p["hs_code"], kg)
            mix = (
                got["in_quota_kg"] * quota["in_quota_rate_pct"]
                + got["over_quota_kg"] * quota["over_quota_rate_pct"]
            )
            total += value * mix / (kg * 100)
        print(round(total, 2))
        """,
        round(total, 2),
    )


def _ebikes_germany() -> Task:
    p = get_product("P-190")
    value = _value_usd("P-190", 12)
    freight = shipping_quote("CN", "DE", 12 * p["unit_weight_kg"], "sea")["cost_usd"]
    de = country_info("DE")
    customs = value + freight if de["valuation"] == "CIF" else value
    tariff = get_tariff("DE", "CN", p["hs_code"])
    cut, _ = _preference("P-190", "DE")
    duty = customs * (tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)) / 100
    vat = (customs + duty) * de["vat_pct"] / 100
    answer = round((duty + vat) * exchange_rate("USD", "EUR"), 2)
    return _task(
        "ebikes-germany",
        "Import 12 electric bicycles P-190 from their origin into Germany (DE) by sea. Use "
        "country_info for Germany's customs valuation and VAT, apply any qualifying trade "
        "agreement and the additional duties. Compute the duty and then the import VAT in USD, "
        'and convert their sum to EUR with exchange_rate("USD", "EUR"). Answer with duty plus '
        "VAT in EUR rounded to 2 decimals.",
        [
            _product("P-190"),
            _rate("CNY", "USD"),
            _ship("CN", "DE", 12 * p["unit_weight_kg"], "sea"),
            Call("country_info", {"country": "DE"}),
            _tariff("DE", "CN", p["hs_code"]),
            _agreements("CN", "DE"),
            _rate("USD", "EUR"),
        ],
        _PREFERENCE_CODE
        + """
p = get_product("P-190")
value = 12 * p["unit_price"] * exchange_rate(p["currency"], "USD")
freight = shipping_quote(p["origin"], "DE", 12 * p["unit_weight_kg"], "sea")["cost_usd"]
de = country_info("DE")
customs = value + freight if de["valuation"] == "CIF" else value
tariff = get_tariff("DE", p["origin"], p["hs_code"])
extra = sum(d["rate_pct"] for d in tariff["additional_duties"])
rate = tariff["mfn_rate_pct"] * (1 - preference(p, "DE") / 100) + extra
duty = customs * rate / 100
vat = (customs + duty) * de["vat_pct"] / 100
print(round((duty + vat) * exchange_rate("USD", "EUR"), 2))
""",
        answer,
    )


def _sweaters_de_minimis() -> Task:
    p = get_product("P-130")
    value = 2 * p["unit_price"] * exchange_rate(p["currency"], "CAD")
    return _task(
        "sweaters-de-minimis",
        "Is a parcel of 2 wool sweaters (sku P-130), sent from the product's origin to Canada "
        "(CA), within Canada's de minimis threshold, i.e. is its goods value in Canadian dollars "
        "(via exchange_rate) at most de_minimis? Answer True or False.",
        [_product("P-130"), Call("country_info", {"country": "CA"}), _rate("GBP", "CAD")],
        """
        p = get_product("P-130")
        value_cad = 2 * p["unit_price"] * exchange_rate(p["currency"], "CAD")
        print(value_cad <= country_info("CA")["de_minimis"])
        """,
        value <= country_info("CA")["de_minimis"],
        Check(),
    )


def _uk_parcels() -> Task:
    parcels = {"P-200": 1, "P-121": 10, "P-210": 1}
    limit = country_info("GB")["de_minimis"]
    products = [get_product(s) for s in parcels]
    within = [
        p["sku"]
        for p in products
        if parcels[p["sku"]] * p["unit_price"] * exchange_rate(p["currency"], "GBP") <= limit
    ]
    return _task(
        "uk-parcels",
        "Three parcels are sent to the United Kingdom (GB), each from its product's origin: 1 "
        "unit of P-200, 10 units of P-121 and 1 unit of P-210. Which parcels are within the UK's "
        "de minimis threshold (goods value in GBP, via exchange_rate, at most de_minimis)? "
        "Answer with a list of the skus of those parcels.",
        [Call("country_info", {"country": "GB"})]
        + [_product(s) for s in parcels]
        + [_rate(p["currency"], "GBP") for p in products],
        """
        limit = country_info("GB")["de_minimis"]
        within = []
        for sku, qty in {"P-200": 1, "P-121": 10, "P-210": 1}.items():
            p = get_product(sku)
            if qty * p["unit_price"] * exchange_rate(p["currency"], "GBP") <= limit:
                within.append(sku)
        print(within)
        """,
        within,
        UNORDERED,
    )


def _ebike_rates() -> Task:
    p = get_product("P-190")
    markets = ["US", "DE", "CA"]
    tariffs = {m: get_tariff(m, p["origin"], p["hs_code"]) for m in markets}
    rates = {m: t["mfn_rate_pct"] + _extra_pct(t) for m, t in tariffs.items()}
    return _task(
        "ebike-rates",
        "For electric bicycles P-190 shipped from their origin, what is the total duty rate (MFN "
        "plus additional duties; no trade agreements apply) into the US, Germany (DE) and Canada "
        '(CA)? Answer with a dict from country code to the rate in percent, like {"US": 1.0, '
        '"DE": 2.0, "CA": 3.0}.',
        [_product("P-190")] + [_tariff(m, p["origin"], p["hs_code"]) for m in markets],
        """
        p = get_product("P-190")
        rates = {}
        for market in ["US", "DE", "CA"]:
            t = get_tariff(market, p["origin"], p["hs_code"])
            rates[market] = t["mfn_rate_pct"] + sum(d["rate_pct"] for d in t["additional_duties"])
        print(rates)
        """,
        rates,
        Check(),
    )


def _best_agreement() -> Task:
    p = get_product("P-110")
    names = find_agreements(p["origin"], "JP")
    best, best_cut = "none", 0.0
    for name in names:
        terms = get_agreement(name)
        covered = not terms["chapters"] or p["hs_code"][:2] in terms["chapters"]
        ok = p["regional_content_pct"] >= terms["min_regional_content_pct"]
        if covered and ok and terms["reduction_pct"] > best_cut:
            best, best_cut = name, terms["reduction_pct"]
    return _task(
        "best-agreement",
        "Battery packs P-110 are exported from their origin to Japan (JP). Of the trade "
        "agreements the two countries share, which gives the product the largest cut of its MFN "
        "rate (it must qualify: chapter covered and regional content high enough)? Answer with "
        'the agreement\'s name, or "none" if none qualifies.',
        [_product("P-110"), _agreements(p["origin"], "JP")] + [_agreement(n) for n in names],
        """
        p = get_product("P-110")
        best, best_cut = "none", 0
        for name in find_agreements(p["origin"], "JP"):
            terms = get_agreement(name)
            covered = not terms["chapters"] or p["hs_code"][:2] in terms["chapters"]
            ok = p["regional_content_pct"] >= terms["min_regional_content_pct"]
            if covered and ok and terms["reduction_pct"] > best_cut:
                best, best_cut = name, terms["reduction_pct"]
        print(best)
        """,
        best,
        Check(),
    )


def _smartphones_japan() -> Task:
    p = get_product("P-210")
    kg = 120 * p["unit_weight_kg"]
    freight = shipping_quote(p["origin"], "JP", kg, "sea")["cost_usd"]
    customs = _value_usd("P-210", 120) + freight
    tariff = get_tariff("JP", p["origin"], p["hs_code"])
    cut, names = _preference("P-210", "JP")
    duty = customs * (tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)) / 100
    return _task(
        "smartphones-japan",
        "Import 120 smartphones P-210 from their origin into Japan (JP) by sea. Japan charges "
        "duty on the CIF value: goods value in USD (via exchange_rate) plus the sea freight "
        "quote. The rate is the MFN rate cut by the best qualifying trade agreement, plus any "
        "additional duties. Answer with the duty in USD rounded to 2 decimals.",
        [
            _product("P-210"),
            _rate(p["currency"], "USD"),
            _ship(p["origin"], "JP", kg, "sea"),
            _tariff("JP", p["origin"], p["hs_code"]),
            _agreements(p["origin"], "JP"),
        ]
        + [_agreement(n) for n in names],
        _PREFERENCE_CODE
        + """
p = get_product("P-210")
value = 120 * p["unit_price"] * exchange_rate(p["currency"], "USD")
freight = shipping_quote(p["origin"], "JP", 120 * p["unit_weight_kg"], "sea")["cost_usd"]
tariff = get_tariff("JP", p["origin"], p["hs_code"])
extra = sum(d["rate_pct"] for d in tariff["additional_duties"])
rate = tariff["mfn_rate_pct"] * (1 - preference(p, "JP") / 100) + extra
print(round((value + freight) * rate / 100, 2))
""",
        round(duty, 2),
    )


def _solar_shipping_mode() -> Task:
    p = get_product("P-220")
    kg = 60 * p["unit_weight_kg"]
    quotes = [shipping_quote(p["origin"], "US", kg, m) for m in ("sea", "air")]
    best = min((q for q in quotes if q["transit_days"] <= 20), key=lambda q: q["cost_usd"])
    return _task(
        "solar-shipping-mode",
        "60 solar panels P-220 must reach the US from their origin within 20 days. Of the modes "
        '"sea" and "air", take the cheapest whose transit_days is at most 20. Answer with a dict '
        '{"mode": the mode, "cost_usd": its freight quote}.',
        [
            _product("P-220"),
            _ship(p["origin"], "US", kg, "sea"),
            _ship(p["origin"], "US", kg, "air"),
        ],
        """
        p = get_product("P-220")
        kg = 60 * p["unit_weight_kg"]
        quotes = [shipping_quote(p["origin"], "US", kg, mode) for mode in ["sea", "air"]]
        fast = [q for q in quotes if q["transit_days"] <= 20]
        best = min(fast, key=lambda q: q["cost_usd"])
        print({"mode": best["mode"], "cost_usd": best["cost_usd"]})
        """,
        {"mode": best["mode"], "cost_usd": best["cost_usd"]},
    )


def _steel_high_duty() -> Task:
    found = search_products("steel")
    tariffs = [get_tariff("US", p["origin"], p["hs_code"]) for p in found]
    count = sum(1 for t in tariffs if t["mfn_rate_pct"] + _extra_pct(t) >= 25)
    return _task(
        "steel-high-duty",
        'Search the catalog for "steel". For how many of those products is the total US duty '
        "rate from the product's origin (MFN plus additional duties, ignoring trade agreements) "
        "at least 25%? Answer with a number.",
        [Call("search_products", {"keyword": "steel"})]
        + [_tariff("US", p["origin"], p["hs_code"]) for p in found],
        """
        count = 0
        for p in search_products("steel"):
            t = get_tariff("US", p["origin"], p["hs_code"])
            if t["mfn_rate_pct"] + sum(d["rate_pct"] for d in t["additional_duties"]) >= 25:
                count += 1
        print(count)
        """,
        count,
        Check(),
    )


def _wine_japan() -> Task:
    p = get_product("P-200")
    kg = 120 * p["unit_weight_kg"]
    value = _value_usd("P-200", 120)
    freight = shipping_quote(p["origin"], "JP", kg, "sea")["cost_usd"]
    jp = country_info("JP")
    customs = value + freight if jp["valuation"] == "CIF" else value
    tariff = get_tariff("JP", p["origin"], p["hs_code"])
    cut, names = _preference("P-200", "JP")
    duty = customs * (tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)) / 100
    vat = (customs + duty) * jp["vat_pct"] / 100
    return _task(
        "wine-japan",
        "Import 120 cases of red wine P-200 from their origin into Japan (JP) by sea. Landed "
        "cost = goods value + sea freight + duty + import VAT, all in USD, using Japan's "
        "valuation and VAT from country_info and any qualifying trade agreement. Answer with the "
        "landed cost per case in USD, rounded to 2 decimals.",
        [
            _product("P-200"),
            _rate(p["currency"], "USD"),
            _ship(p["origin"], "JP", kg, "sea"),
            Call("country_info", {"country": "JP"}),
            _tariff("JP", p["origin"], p["hs_code"]),
            _agreements(p["origin"], "JP"),
        ]
        + [_agreement(n) for n in names],
        _PREFERENCE_CODE
        + """
p = get_product("P-200")
value = 120 * p["unit_price"] * exchange_rate(p["currency"], "USD")
freight = shipping_quote(p["origin"], "JP", 120 * p["unit_weight_kg"], "sea")["cost_usd"]
jp = country_info("JP")
customs = value + freight if jp["valuation"] == "CIF" else value
tariff = get_tariff("JP", p["origin"], p["hs_code"])
extra = sum(d["rate_pct"] for d in tariff["additional_duties"])
duty = customs * (tariff["mfn_rate_pct"] * (1 - preference(p, "JP") / 100) + extra) / 100
vat = (customs + duty) * jp["vat_pct"] / 100
print(round((value + freight + duty + vat) / 120, 2))
""",
        round((value + freight + duty + vat) / 120, 2),
    )


def _ebike_budget() -> Task:
    p = get_product("P-191")
    unit = p["unit_price"] * exchange_rate(p["currency"], "USD")
    tariff = get_tariff("US", p["origin"], p["hs_code"])
    cut, names = _preference("P-191", "US")
    rate = tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)

    def landed(n: int) -> float:
        freight = shipping_quote(p["origin"], "US", n * p["unit_weight_kg"], "sea")["cost_usd"]
        return float(n * unit * (1 + rate / 100) + freight)

    n = 0
    while landed(n + 1) <= 50000:
        n += 1
    return _task(
        "ebike-budget",
        "A US retailer has $50,000 for electric bicycles P-191 from their origin. The landed "
        "cost of n bikes is their goods value in USD (via exchange_rate) + the sea freight quote "
        "for their total weight + duty on the goods value (MFN rate cut by any qualifying trade "
        "agreement, plus additional duties). How many bikes at most can the budget cover? "
        "Answer with a whole number.",
        [
            _product("P-191"),
            _rate(p["currency"], "USD"),
            _tariff("US", p["origin"], p["hs_code"]),
            _agreements(p["origin"], "US"),
        ]
        + [_agreement(name) for name in names]
        + [_ship(p["origin"], "US", k * p["unit_weight_kg"], "sea") for k in (n, n + 1)],
        _PREFERENCE_CODE
        + """
p = get_product("P-191")
unit = p["unit_price"] * exchange_rate(p["currency"], "USD")
tariff = get_tariff("US", p["origin"], p["hs_code"])
extra = sum(d["rate_pct"] for d in tariff["additional_duties"])
rate = tariff["mfn_rate_pct"] * (1 - preference(p, "US") / 100) + extra

def landed(n):
    freight = shipping_quote(p["origin"], "US", n * p["unit_weight_kg"], "sea")["cost_usd"]
    return n * unit * (1 + rate / 100) + freight

n = 0
while landed(n + 1) <= 50000:
    n += 1
print(n)
""",
        n,
        Check(),
    )


def _cheddar_japan() -> Task:
    p = get_product("P-201")
    kg = 4000 * p["unit_weight_kg"]
    freight = shipping_quote(p["origin"], "JP", kg, "sea")["cost_usd"]
    quota = QuotaBook().get_quota("JP", p["hs_code"])
    in_kg = min(kg, quota["remaining_kg"])
    cut, names = _preference("P-201", "JP")
    customs = _value_usd("P-201", 4000) + freight
    duty = _quota_duty(customs, in_kg, kg - in_kg, quota) * (1 - cut / 100)
    return _task(
        "cheddar-japan",
        "Import 4000 kg of cheddar P-201 (priced per kg) from its origin into Japan (JP) by sea. "
        "Japan's tariff-rate quota (get_quota) lets the kilograms within the remaining quota pay "
        "the in-quota rate and the rest the over-quota rate; a qualifying trade agreement cuts "
        "both rates. Duty = CIF value in USD (goods value via exchange_rate + sea freight) x "
        "(in-quota kg x in-quota rate + over-quota kg x over-quota rate) / (total kg x 100). "
        "Answer with the duty in USD rounded to 2 decimals.",
        [
            _product("P-201"),
            _rate(p["currency"], "USD"),
            _ship(p["origin"], "JP", kg, "sea"),
            Call("get_quota", {"importer": "JP", "hs_code": p["hs_code"]}),
            _agreements(p["origin"], "JP"),
        ]
        + [_agreement(n) for n in names],
        _PREFERENCE_CODE
        + """
p = get_product("P-201")
kg = 4000 * p["unit_weight_kg"]
value = 4000 * p["unit_price"] * exchange_rate(p["currency"], "USD")
freight = shipping_quote(p["origin"], "JP", kg, "sea")["cost_usd"]
quota = get_quota("JP", p["hs_code"])
in_kg = min(kg, quota["remaining_kg"])
over_kg = kg - in_kg
mix = in_kg * quota["in_quota_rate_pct"] + over_kg * quota["over_quota_rate_pct"]
mix *= 1 - preference(p, "JP") / 100
print(round((value + freight) * mix / (kg * 100), 2))
""",
        round(duty, 2),
    )


def _germany_invoice() -> Task:
    lines = {"P-180": (400, "Euro-Pacific Partnership"), "P-121": (1000, "EU-Vietnam Framework")}
    total = 0.0
    for sku, (qty, name) in lines.items():
        p = get_product(sku)
        terms = get_agreement(name)
        covered = not terms["chapters"] or p["hs_code"][:2] in terms["chapters"]
        ok = covered and p["regional_content_pct"] >= terms["min_regional_content_pct"]
        cut = terms["reduction_pct"] if ok else 0.0
        tariff = get_tariff("DE", p["origin"], p["hs_code"])
        rate = tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)
        total += _value_usd(sku, qty) * rate / 100
    products = [get_product(s) for s in lines]
    return _task(
        "germany-invoice",
        "A German importer (DE) buys 400 tires P-180 and 1000 T-shirts P-121, each from its "
        'origin. The tires may qualify for the "Euro-Pacific Partnership" and the T-shirts for '
        'the "EU-Vietnam Framework" (check each agreement\'s terms). For this estimate, charge '
        "duty on the goods value in USD only (via exchange_rate, no freight), at the MFN rate "
        "after any qualifying cut plus additional duties. Answer with the total duty in USD "
        "rounded to 2 decimals.",
        [_product(s) for s in lines]
        + [_rate("JPY", "USD")]
        + [_tariff("DE", p["origin"], p["hs_code"]) for p in products]
        + [_agreement(name) for _, name in lines.values()],
        """
        lines = {"P-180": (400, "Euro-Pacific Partnership"), "P-121": (1000, "EU-Vietnam Framework")}
        total = 0
        for sku, (qty, name) in lines.items():
            p = get_product(sku)
            terms = get_agreement(name)
            covered = not terms["chapters"] or p["hs_code"][:2] in terms["chapters"]
            ok = covered and p["regional_content_pct"] >= terms["min_regional_content_pct"]
            cut = terms["reduction_pct"] if ok else 0
            t = get_tariff("DE", p["origin"], p["hs_code"])
            extra = sum(d["rate_pct"] for d in t["additional_duties"])
            value = qty * p["unit_price"] * exchange_rate(p["currency"], "USD")
            total += value * (t["mfn_rate_pct"] * (1 - cut / 100) + extra) / 100
        print(round(total, 2))
        """,
        round(total, 2),
    )


def _smartphone_preference() -> Task:
    cut, names = _preference("P-211", "KR")
    p = get_product("P-211")
    return _task(
        "smartphone-preference",
        "Does the smartphone P-211, exported from its origin to South Korea (KR), qualify for "
        "preferential treatment under any trade agreement the two countries share (its chapter "
        "covered and its regional content high enough)? Answer True or False.",
        [_product("P-211"), _agreements(p["origin"], "KR")] + [_agreement(n) for n in names],
        _PREFERENCE_CODE
        + """
p = get_product("P-211")
print(preference(p, "KR") > 0)
""",
        cut > 0,
        Check(),
    )


def _steel_surcharge() -> Task:
    exporters = ["CN", "KR", "BR", "DE"]
    extra = {e: _extra_pct(get_tariff("US", e, "7208.39")) for e in exporters}
    return _task(
        "steel-surcharge",
        "For hot-rolled steel (HS 7208.39) shipped to the US, which of these exporters faces the "
        "highest total of additional duties: CN, KR, BR or DE? Answer with the country code.",
        [_tariff("US", e, "7208.39") for e in exporters],
        """
        extra = {}
        for exporter in ["CN", "KR", "BR", "DE"]:
            t = get_tariff("US", exporter, "7208.39")
            extra[exporter] = sum(d["rate_pct"] for d in t["additional_duties"])
        print(max(extra, key=extra.get))
        """,
        max(extra, key=lambda e: extra[e]),
        Check(),
    )


def _cheaper_smartphone() -> Task:
    products = [get_product(s) for s in ("P-210", "P-211")]
    eur = {p["sku"]: p["unit_price"] * exchange_rate(p["currency"], "EUR") for p in products}
    sku = min(eur, key=lambda s: eur[s])
    return _task(
        "cheaper-smartphone",
        "Two suppliers sell smartphones, P-210 and P-211, each priced in its own currency. Which "
        'is cheaper per unit in euros (unit_price x exchange_rate(currency, "EUR"))? Answer with '
        'a dict {"sku": the cheaper sku, "unit_price_eur": its price in EUR rounded to 2 '
        "decimals}.",
        [_product("P-210"), _product("P-211")] + [_rate(p["currency"], "EUR") for p in products],
        """
        eur = {}
        for sku in ["P-210", "P-211"]:
            p = get_product(sku)
            eur[sku] = p["unit_price"] * exchange_rate(p["currency"], "EUR")
        best = min(eur, key=eur.get)
        print({"sku": best, "unit_price_eur": round(eur[best], 2)})
        """,
        {"sku": sku, "unit_price_eur": round(eur[sku], 2)},
    )


def _cheese_canada() -> Task:
    book = QuotaBook()
    p = get_product("P-201")
    quota = book.get_quota("CA", p["hs_code"])
    per_kg = p["unit_price"] * exchange_rate(p["currency"], "CAD")
    cut, names = _preference("P-201", "CA")
    total = 0.0
    reserves = []
    for kg in (30.0, 45.0):
        got = book.reserve_quota("CA", p["hs_code"], kg)
        reserves.append(
            Call("reserve_quota", {"importer": "CA", "hs_code": p["hs_code"], "kg": kg})
        )
        duty = _quota_duty(per_kg * kg, got["in_quota_kg"], got["over_quota_kg"], quota)
        total += duty * (1 - cut / 100)
    return _task(
        "cheese-canada",
        "Two shipments of cheddar P-201 (priced per kg) from its origin clear Canadian (CA) "
        "customs in this order: 30 kg, then 45 kg. Claim quota for each with reserve_quota, in "
        "that order. Each shipment's duty = its goods value in CAD (unit_price x "
        'exchange_rate(currency, "CAD") x kg) x (in-quota kg x in-quota rate + over-quota kg x '
        "over-quota rate) / (its kg x 100), with the rates from get_quota, cut by any qualifying "
        "trade agreement. Answer with the total duty of both shipments in CAD rounded to 2 "
        "decimals.",
        [
            _product("P-201"),
            _rate(p["currency"], "CAD"),
            Call("get_quota", {"importer": "CA", "hs_code": p["hs_code"]}),
            _agreements(p["origin"], "CA"),
        ]
        + [_agreement(n) for n in names]
        + reserves,
        _PREFERENCE_CODE
        + """
p = get_product("P-201")
per_kg = p["unit_price"] * exchange_rate(p["currency"], "CAD")
quota = get_quota("CA", p["hs_code"])
cut = 1 - preference(p, "CA") / 100
total = 0
for kg in [30, 45]:
    got = reserve_quota("CA", p["hs_code"], kg)
    mix = (
        got["in_quota_kg"] * quota["in_quota_rate_pct"]
        + got["over_quota_kg"] * quota["over_quota_rate_pct"]
    )
    total += per_kg * kg * mix * cut / (kg * 100)
print(round(total, 2))
""",
        round(total, 2),
    )


def _wine_uk_vat() -> Task:
    p = get_product("P-200")
    kg = 200 * p["unit_weight_kg"]
    value = _value_usd("P-200", 200)
    freight = shipping_quote(p["origin"], "GB", kg, "sea")["cost_usd"]
    gb = country_info("GB")
    customs = value + freight if gb["valuation"] == "CIF" else value
    tariff = get_tariff("GB", p["origin"], p["hs_code"])
    cut, names = _preference("P-200", "GB")
    duty = customs * (tariff["mfn_rate_pct"] * (1 - cut / 100) + _extra_pct(tariff)) / 100
    vat = (customs + duty) * gb["vat_pct"] / 100
    return _task(
        "wine-uk-vat",
        "Import 200 cases of red wine P-200 from their origin into the United Kingdom (GB) by "
        "sea. Using the UK's valuation and VAT rate (country_info) and any qualifying trade "
        "agreement, what import VAT is due? Compute in USD, then convert the VAT to GBP with "
        'exchange_rate("USD", "GBP"). Answer in GBP rounded to 2 decimals.',
        [
            _product("P-200"),
            _rate(p["currency"], "USD"),
            _ship(p["origin"], "GB", kg, "sea"),
            Call("country_info", {"country": "GB"}),
            _agreements(p["origin"], "GB"),
        ]
        + [_agreement(n) for n in names]
        + [_rate("USD", "GBP")],
        _PREFERENCE_CODE
        + """
p = get_product("P-200")
value = 200 * p["unit_price"] * exchange_rate(p["currency"], "USD")
freight = shipping_quote(p["origin"], "GB", 200 * p["unit_weight_kg"], "sea")["cost_usd"]
gb = country_info("GB")
customs = value + freight if gb["valuation"] == "CIF" else value
tariff = get_tariff("GB", p["origin"], p["hs_code"])
extra = sum(d["rate_pct"] for d in tariff["additional_duties"])
duty = customs * (tariff["mfn_rate_pct"] * (1 - preference(p, "GB") / 100) + extra) / 100
vat = (customs + duty) * gb["vat_pct"] / 100
print(round(vat * exchange_rate("USD", "GBP"), 2))
""",
        round(vat * exchange_rate("USD", "GBP"), 2),
    )


def _solar_market() -> Task:
    p = get_product("P-220")
    markets = ["US", "DE", "JP"]
    rates = {}
    for m in markets:
        t = get_tariff(m, p["origin"], p["hs_code"])
        rates[m] = t["mfn_rate_pct"] * (1 - _preference("P-220", m)[0] / 100) + _extra_pct(t)
    return _task(
        "solar-market",
        "Solar panels P-220 from their origin can be sold into the US, Germany (DE) or Japan "
        "(JP). Into which market is the total duty rate lowest (MFN rate cut by any qualifying "
        "trade agreement, plus additional duties)? Answer with the country code.",
        [_product("P-220")] + [_tariff(m, p["origin"], p["hs_code"]) for m in markets],
        _PREFERENCE_CODE
        + """
p = get_product("P-220")
rates = {}
for market in ["US", "DE", "JP"]:
    t = get_tariff(market, p["origin"], p["hs_code"])
    extra = sum(d["rate_pct"] for d in t["additional_duties"])
    rates[market] = t["mfn_rate_pct"] * (1 - preference(p, market) / 100) + extra
print(min(rates, key=rates.get))
""",
        min(rates, key=lambda m: rates[m]),
        Check(),
    )


_BUILDERS: list[Callable[[], Task]] = [
    lambda: _simple_duty("tshirts-india", "P-120", 400),
    lambda: _simple_duty("laptops-china", "P-100", 60),
    _mexico_invoice,
    _bolts_supplier,
    _sugar_quota,
    _sugar_two_shipments,
    _ebikes_germany,
    _sweaters_de_minimis,
    _uk_parcels,
    _ebike_rates,
    _best_agreement,
    _smartphones_japan,
    _solar_shipping_mode,
    _steel_high_duty,
    _wine_japan,
    _ebike_budget,
    _cheddar_japan,
    _germany_invoice,
    _smartphone_preference,
    _steel_surcharge,
    _cheaper_smartphone,
    _cheese_canada,
    _wine_uk_vat,
    _solar_market,
]

SUITE = Suite(
    name="trade",
    description=(
        "Trade and tariff calculations over an invented catalog, tariff schedules, agreements, "
        "quotas, exchange rates and freight: multi-tool, multi-turn tasks with loops and "
        "conditions (M3ToolEval-style, our own data)."
    ),
    tasks=[build() for build in _BUILDERS],
    kind="multi_turn",
)

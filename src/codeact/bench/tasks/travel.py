"""Travel planning: flights, hotels, reviews, forecasts, currency conversion and a trip cart.

Multi-turn tasks in the spirit of the paper's M3ToolEval, with data and tasks of our own: each
task composes several tools, usually over a few candidates with a loop or a condition (cheapest
round trip, best-rated hotel under a price, a destination picked by the weather, a budget).
Everything is invented and deterministic. The ground truth is computed below by calling the tool
functions themselves; the code reference is checked against it by the tests.

Money is in USD unless a task converts it; `convert_currency` rounds to cents, so a task says
what to convert and when (convert the total once, round only the final result).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from codeact.bench.suite import Call, Check, Suite, Task, planned_task
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------

# city -> (country, currency, airport, UTC offset in June, hotel tax %)
CITIES: dict[str, tuple[str, str, str, int, float]] = {
    "New York": ("United States", "USD", "JFK", -4, 14.75),
    "Toronto": ("Canada", "CAD", "YYZ", -4, 13.0),
    "London": ("United Kingdom", "GBP", "LHR", 1, 20.0),
    "Paris": ("France", "EUR", "CDG", 2, 10.0),
    "Frankfurt": ("Germany", "EUR", "FRA", 2, 7.0),
    "Barcelona": ("Spain", "EUR", "BCN", 2, 10.0),
    "Dubai": ("United Arab Emirates", "AED", "DXB", 4, 15.0),
    "Singapore": ("Singapore", "SGD", "SIN", 8, 17.0),
    "Tokyo": ("Japan", "JPY", "NRT", 9, 10.0),
    "Sydney": ("Australia", "AUD", "SYD", 10, 10.0),
}
AIRPORTS: dict[str, str] = {info[2]: city for city, info in CITIES.items()}

# units of each currency per US dollar
RATES: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "JPY": 157.0,
    "CAD": 1.37,
    "AED": 3.6725,
    "SGD": 1.35,
    "AUD": 1.5,
}

# airline code -> (name, checked-bag fee in USD per passenger)
AIRLINES: dict[str, tuple[str, float]] = {
    "AX": ("Atlantic Express", 60.0),
    "NS": ("Northstar Air", 45.0),
    "SK": ("Skyline", 0.0),
    "PJ": ("Pacific Jet", 55.0),
    "EV": ("EuroVia", 35.0),
    "GW": ("Gulfwing", 0.0),
    "MR": ("Meridian", 50.0),
}

# (origin, dest, date) -> flights: (airline, local departure, minutes, layovers, USD, seats left)
# Layovers are comma-separated airport codes ("" for nonstop). Flight ids are assigned in order.
ROUTES: dict[tuple[str, str, str], list[tuple[str, str, int, str, float, int]]] = {
    ("JFK", "LHR", "2024-06-10"): [
        ("AX", "08:00", 415, "", 612.0, 9),
        ("NS", "18:30", 425, "", 548.5, 4),
        ("SK", "21:15", 540, "YYZ", 431.0, 12),
        ("AX", "22:40", 410, "", 689.0, 2),
        ("MR", "13:05", 655, "CDG", 402.25, 7),
        ("SK", "09:45", 790, "YYZ,CDG", 359.99, 20),
    ],
    ("JFK", "LHR", "2024-06-14"): [
        ("AX", "08:00", 415, "", 598.0, 7),
        ("NS", "18:30", 425, "", 455.0, 3),
        ("SK", "21:15", 535, "YYZ", 420.5, 10),
        ("AX", "13:00", 420, "", 575.0, 5),
    ],
    ("JFK", "CDG", "2024-06-10"): [
        ("EV", "19:00", 440, "", 575.0, 6),
        ("AX", "17:20", 560, "LHR", 498.0, 3),
        ("SK", "22:05", 435, "", 595.0, 15),
    ],
    ("JFK", "CDG", "2024-06-12"): [
        ("EV", "18:15", 445, "", 562.0, 11),
        ("SK", "21:30", 430, "", 519.0, 3),
        ("AX", "07:50", 590, "LHR", 471.5, 8),
        ("MR", "10:00", 800, "LHR,FRA", 398.0, 14),
    ],
    ("JFK", "FRA", "2024-06-10"): [
        ("EV", "16:40", 480, "", 530.0, 8),
        ("NS", "20:10", 470, "", 615.0, 5),
        ("MR", "11:30", 610, "LHR", 455.0, 10),
    ],
    ("JFK", "NRT", "2024-06-14"): [
        ("PJ", "12:30", 845, "", 1385.0, 6),
        ("SK", "16:00", 860, "", 1299.0, 3),
        ("AX", "10:15", 1120, "LHR", 1210.0, 9),
    ],
    ("CDG", "JFK", "2024-06-17"): [
        ("EV", "11:00", 510, "", 602.0, 6),
        ("SK", "14:20", 495, "", 579.0, 3),
        ("MR", "09:10", 700, "FRA", 521.0, 10),
    ],
    ("CDG", "JFK", "2024-06-19"): [
        ("EV", "10:30", 505, "", 588.0, 7),
        ("SK", "13:15", 500, "", 547.25, 5),
        ("AX", "08:40", 640, "LHR", 495.0, 9),
        ("NS", "15:00", 720, "YYZ", 468.75, 2),
    ],
    ("YYZ", "LHR", "2024-06-11"): [
        ("NS", "18:00", 410, "", 690.0, 5),
        ("AX", "21:30", 400, "", 655.0, 8),
        ("SK", "16:45", 555, "JFK", 540.0, 6),
        ("EV", "08:15", 640, "CDG", 580.0, 4),
    ],
    ("LHR", "CDG", "2024-06-13"): [
        ("EV", "07:30", 75, "", 118.0, 30),
        ("AX", "12:10", 80, "", 142.0, 12),
        ("NS", "18:45", 80, "", 96.5, 4),
    ],
    ("LHR", "CDG", "2024-06-15"): [
        ("EV", "08:10", 75, "", 121.0, 9),
        ("NS", "17:00", 80, "", 109.0, 3),
    ],
    ("LHR", "BCN", "2024-06-15"): [
        ("EV", "09:00", 130, "", 165.0, 20),
        ("NS", "14:25", 135, "", 139.0, 8),
        ("AX", "19:40", 130, "", 182.0, 5),
    ],
    ("LHR", "DXB", "2024-06-11"): [
        ("GW", "09:40", 415, "", 520.0, 10),
        ("AX", "21:15", 410, "", 498.0, 5),
    ],
    ("LHR", "DXB", "2024-06-12"): [
        ("GW", "09:40", 415, "", 545.0, 6),
        ("NS", "13:00", 560, "FRA", 489.0, 9),
    ],
    ("LHR", "NRT", "2024-06-14"): [
        ("PJ", "11:00", 840, "", 1120.0, 6),
        ("SK", "19:20", 835, "", 1045.0, 9),
        ("GW", "21:45", 1050, "DXB", 868.0, 12),
        ("MR", "09:35", 1010, "FRA", 912.5, 4),
    ],
    ("LHR", "NRT", "2024-06-15"): [
        ("PJ", "11:00", 840, "", 1098.0, 5),
        ("GW", "21:45", 1060, "DXB", 842.0, 7),
    ],
    ("LHR", "SYD", "2024-06-12"): [
        ("SK", "21:00", 1320, "SIN", 1350.0, 8),
        ("GW", "20:10", 1390, "DXB", 1189.0, 4),
    ],
    ("LHR", "SYD", "2024-06-13"): [
        ("SK", "21:00", 1320, "SIN", 1299.0, 6),
        ("PJ", "11:40", 1405, "SIN", 1240.0, 3),
    ],
    ("LHR", "SYD", "2024-06-14"): [
        ("GW", "20:10", 1385, "DXB", 1175.0, 9),
        ("SK", "21:00", 1325, "SIN", 1330.0, 2),
    ],
    ("FRA", "BCN", "2024-06-14"): [
        ("EV", "07:05", 125, "", 189.0, 10),
        ("NS", "15:30", 130, "", 149.0, 4),
    ],
    ("FRA", "BCN", "2024-06-15"): [
        ("EV", "07:05", 125, "", 172.0, 8),
        ("MR", "12:20", 235, "CDG", 128.0, 6),
    ],
    ("FRA", "BCN", "2024-06-16"): [
        ("EV", "07:05", 125, "", 158.0, 12),
        ("NS", "15:30", 130, "", 166.0, 7),
    ],
    ("FRA", "BCN", "2024-06-18"): [
        ("EV", "07:05", 125, "", 144.0, 9),
        ("NS", "15:30", 130, "", 119.0, 6),
        ("MR", "12:20", 240, "CDG", 99.0, 5),
    ],
    ("DXB", "SIN", "2024-06-16"): [
        ("GW", "02:40", 445, "", 455.0, 3),
        ("SK", "09:15", 450, "", 520.0, 14),
        ("PJ", "14:00", 440, "", 489.0, 6),
    ],
    ("SIN", "SYD", "2024-06-15"): [
        ("PJ", "08:20", 470, "", 510.0, 6),
        ("SK", "21:00", 455, "", 585.0, 10),
        ("PJ", "23:55", 480, "", 468.0, 2),
    ],
    ("SIN", "LHR", "2024-06-13"): [
        ("SK", "23:10", 830, "", 1010.0, 5),
        ("GW", "01:15", 985, "DXB", 780.0, 9),
        ("PJ", "20:40", 1030, "FRA", 845.0, 7),
        ("GW", "09:30", 1010, "DXB", 812.0, 2),
        ("MR", "12:00", 1140, "DXB,FRA", 699.0, 11),
    ],
}

# hotel id -> (name, city, stars, nightly USD, review rating out of 10, review count, highlights)
HOTELS: dict[str, tuple[str, str, int, float, float, int, tuple[str, ...]]] = {
    "H-PAR-01": ("Hotel Lumiere", "Paris", 4, 210.0, 8.7, 1240, ("location", "breakfast")),
    "H-PAR-02": ("Le Petit Quai", "Paris", 3, 145.0, 8.9, 860, ("quiet", "staff")),
    "H-PAR-03": ("Montmartre Loft", "Paris", 3, 128.0, 7.6, 410, ("view",)),
    "H-PAR-04": ("Grand Opera Palace", "Paris", 5, 420.0, 9.3, 2210, ("spa", "pool", "staff")),
    "H-PAR-05": ("Canal Saint Rooms", "Paris", 2, 96.0, 7.9, 530, ("value",)),
    "H-LON-01": ("Thames View Inn", "London", 3, 189.0, 8.1, 970, ("view", "location")),
    "H-LON-02": ("Kensington Court", "London", 4, 245.0, 8.8, 1530, ("breakfast", "quiet")),
    "H-LON-03": ("Camden Crash Pad", "London", 2, 99.0, 7.2, 380, ("value", "nightlife")),
    "H-LON-04": ("The Regent Arms", "London", 5, 380.0, 9.1, 2040, ("spa", "staff")),
    "H-LON-05": ("Shoreditch Studios", "London", 3, 162.0, 8.4, 720, ("design", "nightlife")),
    "H-TYO-01": ("Shinjuku Capsule Plus", "Tokyo", 2, 62.0, 7.8, 2900, ("value", "location")),
    "H-TYO-02": ("Asakusa Garden Hotel", "Tokyo", 3, 118.0, 8.3, 1320, ("quiet", "breakfast")),
    "H-TYO-03": ("Ginza Crown", "Tokyo", 5, 395.0, 9.4, 1760, ("spa", "pool", "staff")),
    "H-TYO-04": ("Shibuya Stay", "Tokyo", 3, 104.0, 7.9, 980, ("location", "nightlife")),
    "H-TYO-05": ("Ueno Park Ryokan", "Tokyo", 4, 176.0, 8.6, 640, ("onsen", "breakfast")),
    "H-SYD-01": ("Harbour Bridge Suites", "Sydney", 5, 310.0, 9.0, 1150, ("view", "pool")),
    "H-SYD-02": ("Bondi Surf Lodge", "Sydney", 3, 140.0, 8.5, 890, ("beach", "staff")),
    "H-SYD-03": ("Darling Quarter Hotel", "Sydney", 4, 205.0, 8.2, 760, ("location",)),
    "H-SYD-04": ("Circular Quay Grand", "Sydney", 4, 260.0, 7.7, 1420, ("view", "location")),
    "H-SYD-05": ("Opera Point Hotel", "Sydney", 4, 235.0, 8.6, 990, ("view", "breakfast")),
    "H-BCN-01": ("Gothic Quarter House", "Barcelona", 3, 132.0, 8.4, 1080, ("location",)),
    "H-BCN-02": ("Barceloneta Beach Hotel", "Barcelona", 4, 198.0, 8.7, 1670, ("beach", "pool")),
    "H-BCN-03": ("Eixample Modern", "Barcelona", 3, 151.0, 7.9, 540, ("design",)),
    "H-BCN-04": ("Ramblas Hostel Deluxe", "Barcelona", 2, 74.0, 7.1, 2300, ("value",)),
    "H-NYC-01": ("Midtown Tower Hotel", "New York", 4, 289.0, 8.2, 3100, ("location", "gym")),
    "H-NYC-02": ("Brooklyn Loft Inn", "New York", 3, 175.0, 8.5, 870, ("design", "quiet")),
    "H-NYC-03": ("Times Square Budget", "New York", 2, 139.0, 6.9, 4100, ("location",)),
    "H-NYC-04": ("Central Park Royale", "New York", 5, 545.0, 9.2, 1900, ("view", "spa")),
    "H-DXB-01": ("Marina Pearl", "Dubai", 5, 260.0, 9.0, 2450, ("pool", "view")),
    "H-DXB-02": ("Deira Souk Hotel", "Dubai", 3, 88.0, 7.7, 1210, ("pool", "value")),
    "H-DXB-03": ("Palm Sands Resort", "Dubai", 5, 410.0, 9.5, 1880, ("beach", "pool", "spa")),
    "H-DXB-04": ("Downtown Desert Inn", "Dubai", 4, 185.0, 8.8, 960, ("gym", "staff")),
    "H-SIN-01": ("Orchard Lane Hotel", "Singapore", 4, 215.0, 8.6, 1330, ("location", "pool")),
    "H-SIN-02": ("Chinatown Heritage Inn", "Singapore", 3, 126.0, 8.1, 780, ("value",)),
    "H-SIN-03": ("Marina Skyline", "Singapore", 5, 470.0, 9.3, 2670, ("pool", "view")),
    "H-FRA-01": ("Mainufer Hotel", "Frankfurt", 4, 168.0, 8.3, 640, ("view", "quiet")),
    "H-FRA-02": ("Messe Business Inn", "Frankfurt", 3, 121.0, 7.5, 1050, ("gym",)),
    "H-YYZ-01": ("Lakeshore Suites", "Toronto", 4, 199.0, 8.0, 720, ("view",)),
    "H-YYZ-02": ("Queen West Rooms", "Toronto", 3, 129.0, 7.4, 460, ("design",)),
}
LONG_STAY_NIGHTS = 7  # stays of this many nights or more get a discount before tax
LONG_STAY_DISCOUNT_PCT = 10.0

# city -> one letter a day from 2024-06-10 to 2024-06-20, and a typical high in Celsius
FORECAST_START = "2024-06-10"
FORECASTS: dict[str, tuple[str, int]] = {
    "New York": ("SPSSCTSPRSS", 26),
    "Toronto": ("PSCRSSPCSRP", 24),
    "London": ("CRRPCSCRPSC", 19),
    "Paris": ("PSSCRRSPSSC", 23),
    "Frankfurt": ("CPRSSCRPSCS", 22),
    "Barcelona": ("SSPSCRSSPSC", 27),
    "Dubai": ("SSSSSSSSSSS", 40),
    "Singapore": ("TRTPSTRTPTS", 31),
    "Tokyo": ("RRCPSSRCTPS", 25),
    "Sydney": ("SSCRPSSCSPR", 18),
}
CONDITIONS = {
    "S": "sunny",
    "P": "partly cloudy",
    "C": "cloudy",
    "R": "rain",
    "T": "thunderstorms",
}


def _number_flights() -> dict[str, dict[str, Any]]:
    flights: dict[str, dict[str, Any]] = {}
    for (origin, dest, date), rows in ROUTES.items():
        for airline, depart, minutes, via, price, seats in rows:
            flight_id = f"{airline}{100 + len(flights)}"
            flights[flight_id] = {
                "id": flight_id,
                "airline": AIRLINES[airline][0],
                "origin": origin,
                "dest": dest,
                "date": date,
                "depart": depart,
                "duration_min": minutes,
                "layovers": via.split(",") if via else [],
                "price_usd": price,
                "bag_fee_usd": AIRLINES[airline][1],
                "seats_left": seats,
            }
    return flights


FLIGHTS = _number_flights()

# --- tools -----------------------------------------------------------------------------------


def _city(city: str) -> str:
    for name in CITIES:
        if name.lower() == city.strip().lower():
            return name
    raise ValueError(f"unknown city {city!r}; known cities: {', '.join(CITIES)}")


def _airport(code: str) -> str:
    code = code.strip().upper()
    if code not in AIRPORTS:
        raise ValueError(f"unknown airport {code!r}; known airports: {', '.join(AIRPORTS)}")
    return code


def _hotel(hotel_id: str) -> tuple[str, str, int, float, float, int, tuple[str, ...]]:
    if hotel_id not in HOTELS:
        raise ValueError(f"unknown hotel id {hotel_id!r}")
    return HOTELS[hotel_id]


def city_info(city: str) -> dict[str, Any]:
    """Facts about a city, e.g. city_info("Paris").

    Returns {"city", "country", "currency" (ISO code), "airport" (IATA code), "utc_offset"
    (hours, in June), "hotel_tax_pct" (tax added to hotel stays)}.
    """
    name = _city(city)
    country, currency, airport, offset, tax = CITIES[name]
    return {
        "city": name,
        "country": country,
        "currency": currency,
        "airport": airport,
        "utc_offset": offset,
        "hotel_tax_pct": tax,
    }


def search_flights(origin: str, dest: str, date: str) -> list[dict[str, Any]]:
    """Flights from airport `origin` to airport `dest` (IATA codes, e.g. "JFK") leaving on `date`
    (YYYY-MM-DD), ordered by departure time.

    Each flight is {"id", "airline", "depart" (local time HH:MM), "stops", "price_usd"} (the
    one-way ticket price per passenger). Use get_flight(id) for duration, seats and fees.
    """
    origin, dest = _airport(origin), _airport(dest)
    found = [
        {
            "id": f["id"],
            "airline": f["airline"],
            "depart": f["depart"],
            "stops": len(f["layovers"]),
            "price_usd": f["price_usd"],
        }
        for f in FLIGHTS.values()
        if (f["origin"], f["dest"], f["date"]) == (origin, dest, date.strip())
    ]
    return sorted(found, key=lambda f: (f["depart"], f["id"]))


def get_flight(flight_id: str) -> dict[str, Any]:
    """Details of one flight by id.

    Returns {"id", "airline", "origin", "dest", "date", "depart" (local), "arrive" (local time at
    the destination, "YYYY-MM-DD HH:MM"), "duration_min", "stops", "layovers" (airport codes),
    "price_usd", "bag_fee_usd" (per checked bag), "seats_left"}.
    """
    key = flight_id.strip().upper()
    if key not in FLIGHTS:
        raise ValueError(f"unknown flight id {flight_id!r}")
    f = FLIGHTS[key]
    depart = datetime.fromisoformat(f"{f['date']} {f['depart']}")
    offset = CITIES[AIRPORTS[f["dest"]]][3] - CITIES[AIRPORTS[f["origin"]]][3]
    arrive = depart + timedelta(minutes=f["duration_min"], hours=offset)
    return {
        "id": f["id"],
        "airline": f["airline"],
        "origin": f["origin"],
        "dest": f["dest"],
        "date": f["date"],
        "depart": f["depart"],
        "arrive": arrive.strftime("%Y-%m-%d %H:%M"),
        "duration_min": f["duration_min"],
        "stops": len(f["layovers"]),
        "layovers": list(f["layovers"]),
        "price_usd": f["price_usd"],
        "bag_fee_usd": f["bag_fee_usd"],
        "seats_left": f["seats_left"],
    }


def search_hotels(city: str, max_price: float) -> list[dict[str, Any]]:
    """Hotels in `city` whose nightly price (USD, before tax) is at most `max_price`, cheapest
    first.

    Each hotel is {"id", "name", "stars", "nightly_usd"}. Ratings are in get_hotel_reviews(id).
    """
    name = _city(city)
    found = [
        {"id": hid, "name": h[0], "stars": h[2], "nightly_usd": h[3]}
        for hid, h in HOTELS.items()
        if h[1] == name and h[3] <= max_price
    ]
    return sorted(found, key=lambda h: (h["nightly_usd"], h["id"]))


def get_hotel_reviews(hotel_id: str) -> dict[str, Any]:
    """Guest reviews of a hotel: {"hotel_id", "rating" (average, out of 10), "review_count",
    "highlights" (what guests praise most, e.g. "pool", "breakfast")}."""
    h = _hotel(hotel_id)
    return {"hotel_id": hotel_id, "rating": h[4], "review_count": h[5], "highlights": list(h[6])}


def hotel_quote(hotel_id: str, nights: int) -> dict[str, Any]:
    """Price of one room for `nights` nights, in USD.

    Returns {"hotel_id", "nights", "nightly_usd", "subtotal_usd", "discount_usd" (10% off the
    subtotal for stays of 7 nights or more), "tax_usd" (the city's hotel tax on the discounted
    subtotal), "total_usd"}.
    """
    if nights < 1:
        raise ValueError("nights must be at least 1")
    h = _hotel(hotel_id)
    subtotal = h[3] * nights
    discount = subtotal * LONG_STAY_DISCOUNT_PCT / 100 if nights >= LONG_STAY_NIGHTS else 0.0
    tax = (subtotal - discount) * CITIES[h[1]][4] / 100
    return {
        "hotel_id": hotel_id,
        "nights": nights,
        "nightly_usd": h[3],
        "subtotal_usd": round(subtotal, 2),
        "discount_usd": round(discount, 2),
        "tax_usd": round(tax, 2),
        "total_usd": round(subtotal - discount + tax, 2),
    }


def convert_currency(amount: float, from_ccy: str, to_ccy: str) -> float:
    """Convert `amount` from one currency to another (ISO codes, e.g. "USD", "EUR"), rounded to
    2 decimals. Known: USD, EUR, GBP, JPY, CAD, AED, SGD, AUD."""
    src, dst = from_ccy.strip().upper(), to_ccy.strip().upper()
    for ccy in (src, dst):
        if ccy not in RATES:
            raise ValueError(f"unknown currency {ccy!r}; known: {', '.join(RATES)}")
    return round(amount / RATES[src] * RATES[dst], 2)


def get_forecast(city: str, date: str) -> dict[str, Any]:
    """Weather forecast for a city on a date (YYYY-MM-DD, 2024-06-10 to 2024-06-20).

    Returns {"city", "date", "condition" ("sunny", "partly cloudy", "cloudy", "rain" or
    "thunderstorms"), "high_c"}.
    """
    name = _city(city)
    letters, high = FORECASTS[name]
    day = (datetime.fromisoformat(date.strip()) - datetime.fromisoformat(FORECAST_START)).days
    if not 0 <= day < len(letters):
        raise ValueError("forecasts cover 2024-06-10 to 2024-06-20")
    return {
        "city": name,
        "date": date.strip(),
        "condition": CONDITIONS[letters[day]],
        "high_c": high + (day * 3) % 5 - 2,
    }


class TripCart:
    """The trip being booked in one run: flights and hotel stays added so far."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int, float]] = []

    def add_to_cart(self, item_id: str, quantity: int) -> dict[str, Any]:
        """Add a flight (quantity = passengers, each paying the ticket price) or a hotel room
        (quantity = nights, priced as hotel_quote) to the trip cart.

        Returns {"item_id", "quantity", "cost_usd", "items_in_cart"}.
        """
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        if item_id in HOTELS:
            cost = float(hotel_quote(item_id, quantity)["total_usd"])
        else:
            cost = round(float(get_flight(item_id)["price_usd"]) * quantity, 2)
        self.items.append((item_id, quantity, cost))
        return {
            "item_id": item_id,
            "quantity": quantity,
            "cost_usd": cost,
            "items_in_cart": len(self.items),
        }

    def cart_total(self, currency: str) -> float:
        """Total cost of everything in the trip cart, converted to `currency` (e.g. "EUR") and
        rounded to 2 decimals."""
        return convert_currency(sum(cost for _, _, cost in self.items), "USD", currency)


_FUNCTIONS: list[Callable[..., Any]] = [
    city_info,
    search_flights,
    get_flight,
    search_hotels,
    get_hotel_reviews,
    hotel_quote,
    convert_currency,
    get_forecast,
]


def make_tools() -> list[Tool]:
    """Fresh tool instances for one run, with an empty trip cart."""
    cart = TripCart()
    tools: list[Tool] = [FunctionTool(f) for f in _FUNCTIONS]
    return [*tools, FunctionTool(cart.add_to_cart), FunctionTool(cart.cart_total)]


# --- tasks -----------------------------------------------------------------------------------

_TOOLS = make_tools()
MONEY = Check(tolerance=0.011)  # a cent either way: rounding the same sum in another order
UNORDERED = Check(unordered=True)


def _task(
    slug: str, prompt: str, calls: Sequence[Call], code: str, answer: Any, check: Check = MONEY
) -> Task:
    return planned_task(
        "travel", slug, prompt, calls, code, answer, make_tools, tools=_TOOLS, check=check
    )


def _search(origin: str, dest: str, date: str) -> Call:
    return Call("search_flights", {"origin": origin, "dest": dest, "date": date})


def _flight(flight_id: str) -> Call:
    return Call("get_flight", {"flight_id": flight_id})


def _hotels(city: str, max_price: float) -> Call:
    return Call("search_hotels", {"city": city, "max_price": max_price})


def _reviews(hotel_id: str) -> Call:
    return Call("get_hotel_reviews", {"hotel_id": hotel_id})


def _quote(hotel_id: str, nights: int) -> Call:
    return Call("hotel_quote", {"hotel_id": hotel_id, "nights": nights})


def _convert(amount: float, src: str, dst: str) -> Call:
    return Call("convert_currency", {"amount": amount, "from_ccy": src, "to_ccy": dst})


def _cheapest(flights: list[dict[str, Any]]) -> dict[str, Any]:
    return min(flights, key=lambda f: f["price_usd"])


def _rating(hotel_id: str) -> float:
    return float(get_hotel_reviews(hotel_id)["rating"])


def _cheapest_nonstop_gbp() -> Task:
    flights = search_flights("JFK", "LHR", "2024-06-10")
    best = _cheapest([f for f in flights if f["stops"] == 0])
    return _task(
        "cheapest-nonstop-gbp",
        "What does the cheapest nonstop flight from New York (JFK) to London (LHR) on 2024-06-10 "
        "cost in British pounds? Convert its USD ticket price with convert_currency. Answer with "
        "the amount in GBP rounded to 2 decimals.",
        [_search("JFK", "LHR", "2024-06-10"), _convert(best["price_usd"], "USD", "GBP")],
        """
        flights = search_flights("JFK", "LHR", "2024-06-10")
        nonstop = [f for f in flights if f["stops"] == 0]
        best = min(nonstop, key=lambda f: f["price_usd"])
        print(convert_currency(best["price_usd"], "USD", "GBP"))
        """,
        convert_currency(best["price_usd"], "USD", "GBP"),
    )


def _round_trip_eur() -> Task:
    legs = [("JFK", "CDG", "2024-06-12"), ("CDG", "JFK", "2024-06-19")]
    picks = [_cheapest([f for f in search_flights(*leg) if f["stops"] <= 1]) for leg in legs]
    total = sum(f["price_usd"] for f in picks)
    return _task(
        "round-trip-eur",
        "Plan a round trip from New York (JFK) to Paris (CDG) leaving 2024-06-12 and flying back "
        "on 2024-06-19. In each direction take the cheapest flight with at most one stop. Convert "
        "the sum of the two USD ticket prices to EUR with convert_currency. Answer with the total "
        "in EUR rounded to 2 decimals.",
        [_search(*legs[0]), _search(*legs[1]), _convert(total, "USD", "EUR")],
        """
        total = 0
        for origin, dest, date in [("JFK", "CDG", "2024-06-12"), ("CDG", "JFK", "2024-06-19")]:
            ok = [f for f in search_flights(origin, dest, date) if f["stops"] <= 1]
            total += min(f["price_usd"] for f in ok)
        print(convert_currency(total, "USD", "EUR"))
        """,
        convert_currency(total, "USD", "EUR"),
    )


def _paris_best_rated() -> Task:
    hotels = search_hotels("Paris", 200)
    best = max(hotels, key=lambda h: _rating(h["id"]))
    return _task(
        "paris-best-rated",
        "Among hotels in Paris costing at most $200 a night, which has the highest review rating? "
        "Answer with the hotel's name.",
        [_hotels("Paris", 200)] + [_reviews(h["id"]) for h in hotels],
        """
        hotels = search_hotels("Paris", 200)
        best = max(hotels, key=lambda h: get_hotel_reviews(h["id"])["rating"])
        print(best["name"])
        """,
        best["name"],
        Check(),
    )


def _london_three_nights() -> Task:
    hotels = search_hotels("London", 250)
    best = max(hotels, key=lambda h: _rating(h["id"]))
    total = hotel_quote(best["id"], 3)["total_usd"]
    return _task(
        "london-three-nights",
        "Find the best-rated hotel in London with a nightly price of at most $250, get a quote "
        "for 3 nights there, and convert the quote's total_usd to GBP with convert_currency. "
        "Answer with the amount in GBP rounded to 2 decimals.",
        [_hotels("London", 250)]
        + [_reviews(h["id"]) for h in hotels]
        + [_quote(best["id"], 3), _convert(total, "USD", "GBP")],
        """
        hotels = search_hotels("London", 250)
        best = max(hotels, key=lambda h: get_hotel_reviews(h["id"])["rating"])
        quote = hotel_quote(best["id"], 3)
        print(convert_currency(quote["total_usd"], "USD", "GBP"))
        """,
        convert_currency(total, "USD", "GBP"),
    )


def _shortest_flight() -> Task:
    flights = search_flights("SIN", "SYD", "2024-06-15")
    best = min(flights, key=lambda f: get_flight(f["id"])["duration_min"])
    return _task(
        "shortest-flight",
        "Which flight from Singapore (SIN) to Sydney (SYD) on 2024-06-15 has the shortest flight "
        "time? Answer with its flight id.",
        [_search("SIN", "SYD", "2024-06-15")] + [_flight(f["id"]) for f in flights],
        """
        flights = search_flights("SIN", "SYD", "2024-06-15")
        best = min(flights, key=lambda f: get_flight(f["id"])["duration_min"])
        print(best["id"])
        """,
        best["id"],
        Check(),
    )


def _count_cheap_nonstops() -> Task:
    dests = ["LHR", "CDG", "FRA"]
    count = sum(
        1
        for d in dests
        for f in search_flights("JFK", d, "2024-06-10")
        if f["stops"] == 0 and f["price_usd"] < 600
    )
    return _task(
        "count-cheap-nonstops",
        "How many nonstop flights leave JFK on 2024-06-10 for London (LHR), Paris (CDG) or "
        "Frankfurt (FRA) with a ticket price under $600? Answer with a number.",
        [_search("JFK", d, "2024-06-10") for d in dests],
        """
        count = 0
        for dest in ["LHR", "CDG", "FRA"]:
            for f in search_flights("JFK", dest, "2024-06-10"):
                if f["stops"] == 0 and f["price_usd"] < 600:
                    count += 1
        print(count)
        """,
        count,
        Check(),
    )


def _weather_destination() -> Task:
    sunny = get_forecast("Barcelona", "2024-06-15")["condition"] == "sunny"
    dest = "BCN" if sunny else "CDG"
    best = _cheapest(search_flights("LHR", dest, "2024-06-15"))
    return _task(
        "weather-destination",
        "A traveller in London will fly on 2024-06-15 to Barcelona if the forecast for Barcelona "
        "that day is sunny, and to Paris otherwise. Take the cheapest flight that day from LHR to "
        "the chosen city's airport (BCN or CDG) and convert its price to EUR with "
        "convert_currency. Answer with the amount in EUR rounded to 2 decimals.",
        [
            Call("get_forecast", {"city": "Barcelona", "date": "2024-06-15"}),
            _search("LHR", dest, "2024-06-15"),
            _convert(best["price_usd"], "USD", "EUR"),
        ],
        """
        forecast = get_forecast("Barcelona", "2024-06-15")
        dest = "BCN" if forecast["condition"] == "sunny" else "CDG"
        best = min(search_flights("LHR", dest, "2024-06-15"), key=lambda f: f["price_usd"])
        print(convert_currency(best["price_usd"], "USD", "EUR"))
        """,
        convert_currency(best["price_usd"], "USD", "EUR"),
    )


def _tokyo_cart() -> Task:
    cart = TripCart()
    flight = _cheapest(search_flights("LHR", "NRT", "2024-06-14"))
    hotels = search_hotels("Tokyo", 1000)
    checked = []
    for h in hotels:  # cheapest first: stop at the first one rated 8.0 or more
        checked.append(h["id"])
        if _rating(h["id"]) >= 8.0:
            break
    cart.add_to_cart(flight["id"], 2)
    cart.add_to_cart(checked[-1], 4)
    return _task(
        "tokyo-cart",
        "Book a trip to Tokyo with the trip cart: add the cheapest flight from LHR to NRT on "
        "2024-06-14 for 2 passengers, and 4 nights at the cheapest hotel in Tokyo (any price) "
        "whose review rating is at least 8.0. Answer with the cart total in EUR (cart_total), "
        "rounded to 2 decimals.",
        [_search("LHR", "NRT", "2024-06-14"), _hotels("Tokyo", 1000)]
        + [_reviews(h) for h in checked]
        + [
            Call("add_to_cart", {"item_id": flight["id"], "quantity": 2}),
            Call("add_to_cart", {"item_id": checked[-1], "quantity": 4}),
            Call("cart_total", {"currency": "EUR"}),
        ],
        """
        flights = search_flights("LHR", "NRT", "2024-06-14")
        flight = min(flights, key=lambda f: f["price_usd"])
        add_to_cart(flight["id"], 2)
        for hotel in search_hotels("Tokyo", 1000):  # cheapest first
            if get_hotel_reviews(hotel["id"])["rating"] >= 8.0:
                add_to_cart(hotel["id"], 4)
                break
        print(cart_total("EUR"))
        """,
        cart.cart_total("EUR"),
    )


def _busiest_airline() -> Task:
    dates = ["2024-06-10", "2024-06-14"]
    counts: dict[str, int] = {}
    for date in dates:
        for f in search_flights("JFK", "LHR", date):
            counts[f["airline"]] = counts.get(f["airline"], 0) + 1
    return _task(
        "busiest-airline",
        "Counting all flights from JFK to LHR on 2024-06-10 and on 2024-06-14 together, which "
        "airline operates the most? Answer with the airline's name.",
        [_search("JFK", "LHR", d) for d in dates],
        """
        from collections import Counter
        counts = Counter()
        for date in ["2024-06-10", "2024-06-14"]:
            counts.update(f["airline"] for f in search_flights("JFK", "LHR", date))
        print(counts.most_common(1)[0][0])
        """,
        max(counts, key=lambda a: counts[a]),
        Check(),
    )


def _multi_city_bags() -> Task:
    legs = [
        ("JFK", "LHR", "2024-06-10"),
        ("LHR", "CDG", "2024-06-13"),
        ("CDG", "JFK", "2024-06-17"),
    ]
    picks = [_cheapest(search_flights(*leg)) for leg in legs]
    total = sum(f["price_usd"] + get_flight(f["id"])["bag_fee_usd"] for f in picks)
    return _task(
        "multi-city-bags",
        "A multi-city trip for one passenger with one checked bag: JFK to LHR on 2024-06-10, LHR "
        "to CDG on 2024-06-13 and CDG to JFK on 2024-06-17, on the cheapest flight of each leg. "
        "What do the three tickets cost together with each flight's bag fee (bag_fee_usd from "
        "get_flight)? Answer in USD rounded to 2 decimals.",
        [_search(*leg) for leg in legs] + [_flight(f["id"]) for f in picks],
        """
        legs = [("JFK", "LHR", "2024-06-10"), ("LHR", "CDG", "2024-06-13"), ("CDG", "JFK", "2024-06-17")]
        total = 0
        for origin, dest, date in legs:
            best = min(search_flights(origin, dest, date), key=lambda f: f["price_usd"])
            total += best["price_usd"] + get_flight(best["id"])["bag_fee_usd"]
        print(round(total, 2))
        """,
        round(total, 2),
    )


def _cheapest_hotel_local() -> Task:
    cities = {"Paris": "EUR", "London": "GBP", "Tokyo": "JPY"}
    lowest = {c: search_hotels(c, 1000)[0]["nightly_usd"] for c in cities}
    prices = {c: convert_currency(lowest[c], "USD", ccy) for c, ccy in cities.items()}
    return _task(
        "cheapest-hotel-local",
        "For Paris, London and Tokyo, find the nightly price of the cheapest hotel "
        "(search_hotels with max_price 1000) and convert it with convert_currency: Paris to EUR, "
        "London to GBP, Tokyo to JPY. Answer with a dict from city name to the converted price, "
        'like {"Paris": 1.0, "London": 2.0, "Tokyo": 3.0}.',
        [_hotels(c, 1000) for c in cities]
        + [_convert(lowest[c], "USD", ccy) for c, ccy in cities.items()],
        """
        prices = {}
        for city, ccy in {"Paris": "EUR", "London": "GBP", "Tokyo": "JPY"}.items():
            cheapest = min(search_hotels(city, 1000), key=lambda h: h["nightly_usd"])
            prices[city] = convert_currency(cheapest["nightly_usd"], "USD", ccy)
        print(prices)
        """,
        prices,
    )


def _seats_available() -> Task:
    flights = search_flights("DXB", "SIN", "2024-06-16")
    cheap = [f for f in flights if f["stops"] == 0 and f["price_usd"] < 500]
    found = any(get_flight(f["id"])["seats_left"] >= 5 for f in cheap)
    return _task(
        "seats-available",
        "Is there a nonstop flight from Dubai (DXB) to Singapore (SIN) on 2024-06-16 that costs "
        "under $500 and still has at least 5 seats left? Answer True or False.",
        [_search("DXB", "SIN", "2024-06-16")] + [_flight(f["id"]) for f in cheap],
        """
        flights = search_flights("DXB", "SIN", "2024-06-16")
        found = False
        for f in flights:
            if f["stops"] == 0 and f["price_usd"] < 500:
                if get_flight(f["id"])["seats_left"] >= 5:
                    found = True
        print(found)
        """,
        found,
        Check(),
    )


def _sydney_shortlist() -> Task:
    hotels = [h for h in search_hotels("Sydney", 300) if h["stars"] >= 4]
    good = [h["id"] for h in hotels if _rating(h["id"]) >= 8.0]
    return _task(
        "sydney-shortlist",
        "List the hotels in Sydney costing at most $300 a night that have at least 4 stars and a "
        "review rating of at least 8.0, from cheapest to most expensive. Answer with a Python "
        "list of hotel ids.",
        [_hotels("Sydney", 300)] + [_reviews(h["id"]) for h in hotels],
        """
        hotels = search_hotels("Sydney", 300)  # cheapest first
        picked = [
            h["id"]
            for h in hotels
            if h["stars"] >= 4 and get_hotel_reviews(h["id"])["rating"] >= 8.0
        ]
        print(picked)
        """,
        good,
        Check(),
    )


def _paris_budget_nights() -> Task:
    budget = convert_currency(2000, "EUR", "USD")
    flights = search_flights("JFK", "CDG", "2024-06-12")
    left = budget - _cheapest([f for f in flights if f["stops"] == 0])["price_usd"]
    hotel = next(h["id"] for h in search_hotels("Paris", 1000) if h["name"] == "Le Petit Quai")
    nights = 0
    while hotel_quote(hotel, nights + 1)["total_usd"] <= left:
        nights += 1
    return _task(
        "paris-budget-nights",
        "A traveller has 2000 EUR for a trip to Paris. Convert the budget to USD with "
        "convert_currency, pay for the cheapest nonstop flight from JFK to CDG on 2024-06-12, and "
        "spend the rest on the hotel Le Petit Quai in Paris. How many nights can they afford, "
        "going by hotel_quote's total_usd (long stays get a discount)? Answer with a whole number.",
        [
            _convert(2000, "EUR", "USD"),
            _search("JFK", "CDG", "2024-06-12"),
            _hotels("Paris", 1000),
            _quote(hotel, nights),
            _quote(hotel, nights + 1),
        ],
        """
        budget = convert_currency(2000, "EUR", "USD")
        flights = search_flights("JFK", "CDG", "2024-06-12")
        left = budget - min(f["price_usd"] for f in flights if f["stops"] == 0)
        hotel = next(h for h in search_hotels("Paris", 1000) if h["name"] == "Le Petit Quai")
        nights = 0
        while hotel_quote(hotel["id"], nights + 1)["total_usd"] <= left:
            nights += 1
        print(nights)
        """,
        nights,
        Check(),
    )


def _earliest_arrival() -> Task:
    flights = search_flights("YYZ", "LHR", "2024-06-11")
    best = min(flights, key=lambda f: get_flight(f["id"])["arrive"])
    return _task(
        "earliest-arrival",
        "Which flight from Toronto (YYZ) to London (LHR) on 2024-06-11 arrives first, in London "
        "local time? Answer with its flight id.",
        [_search("YYZ", "LHR", "2024-06-11")] + [_flight(f["id"]) for f in flights],
        """
        flights = search_flights("YYZ", "LHR", "2024-06-11")
        arrivals = {f["id"]: get_flight(f["id"])["arrive"] for f in flights}
        print(min(arrivals, key=arrivals.get))
        """,
        best["id"],
        Check(),
    )


def _via_dubai() -> Task:
    flights = [f for f in search_flights("SIN", "LHR", "2024-06-13") if f["stops"] == 1]
    via = [f["id"] for f in flights if get_flight(f["id"])["layovers"] == ["DXB"]]
    return _task(
        "via-dubai",
        "List the one-stop flights from Singapore (SIN) to London (LHR) on 2024-06-13 that "
        "connect in Dubai (DXB). Answer with a list of flight ids.",
        [_search("SIN", "LHR", "2024-06-13")] + [_flight(f["id"]) for f in flights],
        """
        flights = search_flights("SIN", "LHR", "2024-06-13")
        via = [
            f["id"]
            for f in flights
            if f["stops"] == 1 and get_flight(f["id"])["layovers"] == ["DXB"]
        ]
        print(via)
        """,
        via,
        UNORDERED,
    )


def _direct_or_via_london() -> Task:
    a = _cheapest(search_flights("JFK", "NRT", "2024-06-14"))["price_usd"]
    b = (
        _cheapest(search_flights("JFK", "LHR", "2024-06-14"))["price_usd"]
        + _cheapest(search_flights("LHR", "NRT", "2024-06-15"))["price_usd"]
    )
    answer = {"cheaper": "A" if a < b else "B", "saving_usd": round(abs(a - b), 2)}
    return _task(
        "direct-or-via-london",
        "New York to Tokyo: option A is the cheapest JFK to NRT flight on 2024-06-14; option B is "
        "the cheapest JFK to LHR flight on 2024-06-14 plus the cheapest LHR to NRT flight on "
        '2024-06-15. Answer with a dict {"cheaper": "A" or "B", "saving_usd": how much less the '
        "cheaper option costs, in USD rounded to 2 decimals}.",
        [
            _search("JFK", "NRT", "2024-06-14"),
            _search("JFK", "LHR", "2024-06-14"),
            _search("LHR", "NRT", "2024-06-15"),
        ],
        """
        def cheapest(origin, dest, date):
            return min(f["price_usd"] for f in search_flights(origin, dest, date))

        a = cheapest("JFK", "NRT", "2024-06-14")
        b = cheapest("JFK", "LHR", "2024-06-14") + cheapest("LHR", "NRT", "2024-06-15")
        print({"cheaper": "A" if a < b else "B", "saving_usd": round(abs(a - b), 2)})
        """,
        answer,
        MONEY,
    )


def _barcelona_average() -> Task:
    hotels = search_hotels("Barcelona", 180)
    ratings = [_rating(h["id"]) for h in hotels]
    return _task(
        "barcelona-average-rating",
        "What is the average review rating of the hotels in Barcelona costing at most $180 a "
        "night? Answer with the number rounded to 2 decimals.",
        [_hotels("Barcelona", 180)] + [_reviews(h["id"]) for h in hotels],
        """
        hotels = search_hotels("Barcelona", 180)
        ratings = [get_hotel_reviews(h["id"])["rating"] for h in hotels]
        print(round(sum(ratings) / len(ratings), 2))
        """,
        round(sum(ratings) / len(ratings), 2),
        Check(),
    )


def _first_sunny_day() -> Task:
    dates = ["2024-06-14", "2024-06-15", "2024-06-16"]
    checked = []
    for date in dates:
        checked.append(date)
        if get_forecast("Barcelona", date)["condition"] == "sunny":
            break
    date = checked[-1]
    price = _cheapest(search_flights("FRA", "BCN", date))["price_usd"]
    answer = {"date": date, "price_eur": convert_currency(price, "USD", "EUR")}
    return _task(
        "first-sunny-day",
        "Pick the first day from 2024-06-14 to 2024-06-16 on which the forecast for Barcelona is "
        "sunny, and take the cheapest flight from Frankfurt (FRA) to Barcelona (BCN) that day. "
        'Answer with a dict {"date": "YYYY-MM-DD", "price_eur": the ticket price converted to '
        "EUR with convert_currency}.",
        [Call("get_forecast", {"city": "Barcelona", "date": d}) for d in checked]
        + [_search("FRA", "BCN", date), _convert(price, "USD", "EUR")],
        """
        for date in ["2024-06-14", "2024-06-15", "2024-06-16"]:
            if get_forecast("Barcelona", date)["condition"] == "sunny":
                break
        best = min(search_flights("FRA", "BCN", date), key=lambda f: f["price_usd"])
        print({"date": date, "price_eur": convert_currency(best["price_usd"], "USD", "EUR")})
        """,
        answer,
    )


def _group_trip() -> Task:
    flights = search_flights("FRA", "BCN", "2024-06-18")
    ticket = _cheapest([f for f in flights if f["stops"] == 0])["price_usd"]
    checked = []
    for h in search_hotels("Barcelona", 1000):
        checked.append(h["id"])
        if _rating(h["id"]) >= 8.0:
            break
    room = hotel_quote(checked[-1], 3)["total_usd"]
    total = 4 * ticket + 2 * room
    per_person = round(convert_currency(total, "USD", "EUR") / 4, 2)
    return _task(
        "group-trip",
        "Four friends fly from Frankfurt (FRA) to Barcelona (BCN) on 2024-06-18, each on the "
        "cheapest nonstop flight, and share 2 rooms for 3 nights at the cheapest hotel in "
        "Barcelona with a review rating of at least 8.0 (each room costs hotel_quote's "
        "total_usd). Convert the group's total cost to EUR with convert_currency, then split it "
        "evenly. Answer with the cost per person in EUR rounded to 2 decimals.",
        [_search("FRA", "BCN", "2024-06-18"), _hotels("Barcelona", 1000)]
        + [_reviews(h) for h in checked]
        + [_quote(checked[-1], 3), _convert(total, "USD", "EUR")],
        """
        flights = search_flights("FRA", "BCN", "2024-06-18")
        ticket = min(f["price_usd"] for f in flights if f["stops"] == 0)
        hotel = next(
            h
            for h in search_hotels("Barcelona", 1000)  # cheapest first
            if get_hotel_reviews(h["id"])["rating"] >= 8.0
        )
        room = hotel_quote(hotel["id"], 3)["total_usd"]
        total_eur = convert_currency(4 * ticket + 2 * room, "USD", "EUR")
        print(round(total_eur / 4, 2))
        """,
        per_person,
    )


def _dubai_pool() -> Task:
    ccy = city_info("Dubai")["currency"]
    hotels = search_hotels("Dubai", 300)
    reviews = {h["id"]: get_hotel_reviews(h["id"]) for h in hotels}
    pools = [hid for hid, r in reviews.items() if "pool" in r["highlights"]]
    best = max(pools, key=lambda hid: reviews[hid]["rating"])
    total = hotel_quote(best, 4)["total_usd"]
    return _task(
        "dubai-pool",
        "In Dubai, among hotels costing at most $300 a night whose review highlights include "
        '"pool", take the best-rated one. What do 4 nights there cost (hotel_quote\'s total_usd) '
        "in Dubai's local currency (see city_info), converted with convert_currency? Answer with "
        "the amount rounded to 2 decimals.",
        [Call("city_info", {"city": "Dubai"}), _hotels("Dubai", 300)]
        + [_reviews(h["id"]) for h in hotels]
        + [_quote(best, 4), _convert(total, "USD", ccy)],
        """
        ccy = city_info("Dubai")["currency"]
        best, best_rating = None, -1
        for h in search_hotels("Dubai", 300):
            reviews = get_hotel_reviews(h["id"])
            if "pool" in reviews["highlights"] and reviews["rating"] > best_rating:
                best, best_rating = h["id"], reviews["rating"]
        total = hotel_quote(best, 4)["total_usd"]
        print(convert_currency(total, "USD", ccy))
        """,
        convert_currency(total, "USD", ccy),
    )


def _price_per_hour() -> Task:
    flights = [f for f in search_flights("JFK", "LHR", "2024-06-10") if f["stops"] <= 1]
    best = min(flights, key=lambda f: f["price_usd"] / (get_flight(f["id"])["duration_min"] / 60))
    return _task(
        "price-per-hour",
        "Among the flights from JFK to LHR on 2024-06-10 with at most one stop, which has the "
        "lowest price per hour of flight time (price_usd divided by the duration in hours)? "
        "Answer with its flight id.",
        [_search("JFK", "LHR", "2024-06-10")] + [_flight(f["id"]) for f in flights],
        """
        flights = search_flights("JFK", "LHR", "2024-06-10")
        per_hour = {}
        for f in flights:
            if f["stops"] <= 1:
                hours = get_flight(f["id"])["duration_min"] / 60
                per_hour[f["id"]] = f["price_usd"] / hours
        print(min(per_hour, key=per_hour.get))
        """,
        best["id"],
        Check(),
    )


def _cheapest_date() -> Task:
    dates = ["2024-06-12", "2024-06-13", "2024-06-14"]
    options = [(f["price_usd"], d, f["id"]) for d in dates for f in search_flights("LHR", "SYD", d)]
    _, date, flight_id = min(options)
    return _task(
        "cheapest-date",
        "Find the cheapest flight from London (LHR) to Sydney (SYD) departing on any day from "
        '2024-06-12 to 2024-06-14. Answer with a dict {"date": "YYYY-MM-DD", "flight_id": its '
        "id}.",
        [_search("LHR", "SYD", d) for d in dates],
        """
        best = None
        for date in ["2024-06-12", "2024-06-13", "2024-06-14"]:
            for f in search_flights("LHR", "SYD", date):
                if best is None or f["price_usd"] < best[0]:
                    best = (f["price_usd"], date, f["id"])
        print({"date": best[1], "flight_id": best[2]})
        """,
        {"date": date, "flight_id": flight_id},
        Check(),
    )


def _sydney_cart() -> Task:
    cart = TripCart()
    ccy = city_info("Sydney")["currency"]
    flight = _cheapest(search_flights("SIN", "SYD", "2024-06-15"))
    checked = []
    for h in search_hotels("Sydney", 1000):
        checked.append(h["id"])
        if _rating(h["id"]) >= 8.5:
            break
    cart.add_to_cart(flight["id"], 2)
    cart.add_to_cart(checked[-1], 5)
    return _task(
        "sydney-cart",
        "Using the trip cart, add the cheapest flight from Singapore (SIN) to Sydney (SYD) on "
        "2024-06-15 for 2 passengers, and 5 nights at the cheapest hotel in Sydney with a review "
        "rating of at least 8.5. Answer with the cart total (cart_total) in Sydney's local "
        "currency (see city_info), rounded to 2 decimals.",
        [
            Call("city_info", {"city": "Sydney"}),
            _search("SIN", "SYD", "2024-06-15"),
            _hotels("Sydney", 1000),
        ]
        + [_reviews(h) for h in checked]
        + [
            Call("add_to_cart", {"item_id": flight["id"], "quantity": 2}),
            Call("add_to_cart", {"item_id": checked[-1], "quantity": 5}),
            Call("cart_total", {"currency": ccy}),
        ],
        """
        ccy = city_info("Sydney")["currency"]
        flight = min(search_flights("SIN", "SYD", "2024-06-15"), key=lambda f: f["price_usd"])
        add_to_cart(flight["id"], 2)
        for hotel in search_hotels("Sydney", 1000):  # cheapest first
            if get_hotel_reviews(hotel["id"])["rating"] >= 8.5:
                add_to_cart(hotel["id"], 5)
                break
        print(cart_total(ccy))
        """,
        cart.cart_total(ccy),
    )


def _bag_fee_comparison() -> Task:
    picks = [_cheapest(search_flights("LHR", "DXB", d)) for d in ("2024-06-11", "2024-06-12")]
    costs = [f["price_usd"] + get_flight(f["id"])["bag_fee_usd"] for f in picks]
    return _task(
        "bag-fee-comparison",
        "For a passenger with one checked bag: take the flight with the lowest ticket price from "
        "London (LHR) to Dubai (DXB) on 2024-06-11, and the one with the lowest ticket price on "
        "2024-06-12. Once each flight's bag fee is added, is the 2024-06-11 flight cheaper? "
        "Answer True or False.",
        [_search("LHR", "DXB", "2024-06-11"), _search("LHR", "DXB", "2024-06-12")]
        + [_flight(f["id"]) for f in picks],
        """
        costs = []
        for date in ["2024-06-11", "2024-06-12"]:
            f = min(search_flights("LHR", "DXB", date), key=lambda f: f["price_usd"])
            costs.append(f["price_usd"] + get_flight(f["id"])["bag_fee_usd"])
        print(costs[0] < costs[1])
        """,
        costs[0] < costs[1],
        Check(),
    )


_BUILDERS: list[Callable[[], Task]] = [
    _cheapest_nonstop_gbp,
    _round_trip_eur,
    _paris_best_rated,
    _london_three_nights,
    _shortest_flight,
    _count_cheap_nonstops,
    _weather_destination,
    _tokyo_cart,
    _busiest_airline,
    _multi_city_bags,
    _cheapest_hotel_local,
    _seats_available,
    _sydney_shortlist,
    _paris_budget_nights,
    _earliest_arrival,
    _via_dubai,
    _direct_or_via_london,
    _barcelona_average,
    _first_sunny_day,
    _group_trip,
    _dubai_pool,
    _price_per_hour,
    _cheapest_date,
    _sydney_cart,
    _bag_fee_comparison,
]

SUITE = Suite(
    name="travel",
    description=(
        "Travel planning over invented flights, hotels, reviews and forecasts: multi-tool, "
        "multi-turn tasks with loops and conditions (M3ToolEval-style, our own data)."
    ),
    tasks=[build() for build in _BUILDERS],
    kind="multi_turn",
)

"""Travel planning: flights, hotels, reviews, forecasts, currency conversion and a trip cart.

Multi-turn tasks in the spirit of the paper's M3ToolEval, with data and tasks of our own: each
task composes several tools, usually over a few candidates with a loop or a condition (cheapest
round trip, best-rated hotel under a price, a destination picked by the weather, a budget).
Everything is invented and deterministic. The records are in data/travel.json, the tasks (and
their reference solutions) in data/travel.toml; the tests run each task's code against these
tools and check that it prints the task's answer.

Money is in USD unless a task converts it; `convert_currency` rounds to cents, so a task says
what to convert and when (convert the total once, round only the final result).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import model_validator

from codeact.bench.datafiles import Record, data_file, load_records, suite_from_file
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------


class City(Record):
    country: str
    currency: str  # ISO code
    airport: str  # IATA code
    utc_offset: int  # hours, in June
    hotel_tax_pct: float


class Airline(Record):
    name: str
    bag_fee_usd: float  # per checked bag


class Flight(Record):
    airline: str  # its code
    origin: str
    dest: str
    date: str
    depart: str  # local time HH:MM
    duration_min: int
    layovers: list[str]  # airport codes
    price_usd: float
    seats_left: int


class Hotel(Record):
    name: str
    city: str
    stars: int
    nightly_usd: float
    rating: float  # out of 10
    review_count: int
    highlights: list[str]


class LongStay(Record):
    nights: int  # stays of this many nights or more get a discount before tax
    discount_pct: float


class CityForecast(Record):
    days: str  # one condition letter a day from the start date
    high_c: int  # a typical high


class Forecasts(Record):
    start: str
    conditions: dict[str, str]  # letter -> condition
    cities: dict[str, CityForecast]


class TravelData(Record):
    cities: dict[str, City]
    rates: dict[str, float]  # units of each currency per US dollar
    airlines: dict[str, Airline]
    flights: dict[str, Flight]
    hotels: dict[str, Hotel]
    long_stay: LongStay
    forecasts: Forecasts

    @model_validator(mode="after")
    def _consistent(self) -> TravelData:
        airports = {c.airport for c in self.cities.values()}
        for fid, f in self.flights.items():
            if f.airline not in self.airlines:
                raise ValueError(f"flight {fid}: unknown airline {f.airline!r}")
            if not {f.origin, f.dest, *f.layovers} <= airports:
                raise ValueError(f"flight {fid}: an airport of no city")
        for hid, h in self.hotels.items():
            if h.city not in self.cities:
                raise ValueError(f"hotel {hid}: unknown city {h.city!r}")
        if {c.currency for c in self.cities.values()} - set(self.rates):
            raise ValueError("a city's currency has no exchange rate")
        return self


DATA = load_records(data_file("travel.json"), TravelData)
AIRPORTS = {city.airport: name for name, city in DATA.cities.items()}

# --- tools -----------------------------------------------------------------------------------


def _city(city: str) -> str:
    for name in DATA.cities:
        if name.lower() == city.strip().lower():
            return name
    raise ValueError(f"unknown city {city!r}; known cities: {', '.join(DATA.cities)}")


def _airport(code: str) -> str:
    code = code.strip().upper()
    if code not in AIRPORTS:
        raise ValueError(f"unknown airport {code!r}; known airports: {', '.join(AIRPORTS)}")
    return code


def _hotel(hotel_id: str) -> Hotel:
    if hotel_id not in DATA.hotels:
        raise ValueError(f"unknown hotel id {hotel_id!r}")
    return DATA.hotels[hotel_id]


def city_info(city: str) -> dict[str, Any]:
    """Facts about a city, e.g. city_info("Paris").

    Returns {"city", "country", "currency" (ISO code), "airport" (IATA code), "utc_offset"
    (hours, in June), "hotel_tax_pct" (tax added to hotel stays)}.
    """
    name = _city(city)
    return {"city": name, **DATA.cities[name].model_dump()}


def search_flights(origin: str, dest: str, date: str) -> list[dict[str, Any]]:
    """Flights from airport `origin` to airport `dest` (IATA codes, e.g. "JFK") leaving on `date`
    (YYYY-MM-DD), ordered by departure time.

    Each flight is {"id", "airline", "depart" (local time HH:MM), "stops", "price_usd"} (the
    one-way ticket price per passenger). Use get_flight(id) for duration, seats and fees.
    """
    origin, dest = _airport(origin), _airport(dest)
    found = [
        {
            "id": fid,
            "airline": DATA.airlines[f.airline].name,
            "depart": f.depart,
            "stops": len(f.layovers),
            "price_usd": f.price_usd,
        }
        for fid, f in DATA.flights.items()
        if (f.origin, f.dest, f.date) == (origin, dest, date.strip())
    ]
    return sorted(found, key=lambda f: (f["depart"], f["id"]))


def get_flight(flight_id: str) -> dict[str, Any]:
    """Details of one flight by id.

    Returns {"id", "airline", "origin", "dest", "date", "depart" (local), "arrive" (local time at
    the destination, "YYYY-MM-DD HH:MM"), "duration_min", "stops", "layovers" (airport codes),
    "price_usd", "bag_fee_usd" (per checked bag), "seats_left"}.
    """
    key = flight_id.strip().upper()
    if key not in DATA.flights:
        raise ValueError(f"unknown flight id {flight_id!r}")
    f = DATA.flights[key]
    depart = datetime.fromisoformat(f"{f.date} {f.depart}")
    offset = _offset(f.dest) - _offset(f.origin)
    arrive = depart + timedelta(minutes=f.duration_min, hours=offset)
    airline = DATA.airlines[f.airline]
    return {
        "id": key,
        "airline": airline.name,
        "origin": f.origin,
        "dest": f.dest,
        "date": f.date,
        "depart": f.depart,
        "arrive": arrive.strftime("%Y-%m-%d %H:%M"),
        "duration_min": f.duration_min,
        "stops": len(f.layovers),
        "layovers": list(f.layovers),
        "price_usd": f.price_usd,
        "bag_fee_usd": airline.bag_fee_usd,
        "seats_left": f.seats_left,
    }


def _offset(airport: str) -> int:
    return DATA.cities[AIRPORTS[airport]].utc_offset


def search_hotels(city: str, max_price: float) -> list[dict[str, Any]]:
    """Hotels in `city` whose nightly price (USD, before tax) is at most `max_price`, cheapest
    first.

    Each hotel is {"id", "name", "stars", "nightly_usd"}. Ratings are in get_hotel_reviews(id).
    """
    name = _city(city)
    found = [
        {"id": hid, "name": h.name, "stars": h.stars, "nightly_usd": h.nightly_usd}
        for hid, h in DATA.hotels.items()
        if h.city == name and h.nightly_usd <= max_price
    ]
    return sorted(found, key=lambda h: (h["nightly_usd"], h["id"]))


def get_hotel_reviews(hotel_id: str) -> dict[str, Any]:
    """Guest reviews of a hotel: {"hotel_id", "rating" (average, out of 10), "review_count",
    "highlights" (what guests praise most, e.g. "pool", "breakfast")}."""
    h = _hotel(hotel_id)
    return {
        "hotel_id": hotel_id,
        "rating": h.rating,
        "review_count": h.review_count,
        "highlights": list(h.highlights),
    }


def hotel_quote(hotel_id: str, nights: int) -> dict[str, Any]:
    """Price of one room for `nights` nights, in USD.

    Returns {"hotel_id", "nights", "nightly_usd", "subtotal_usd", "discount_usd" (10% off the
    subtotal for stays of 7 nights or more), "tax_usd" (the city's hotel tax on the discounted
    subtotal), "total_usd"}.
    """
    if nights < 1:
        raise ValueError("nights must be at least 1")
    h, long_stay = _hotel(hotel_id), DATA.long_stay
    subtotal = h.nightly_usd * nights
    discount = subtotal * long_stay.discount_pct / 100 if nights >= long_stay.nights else 0.0
    tax = (subtotal - discount) * DATA.cities[h.city].hotel_tax_pct / 100
    return {
        "hotel_id": hotel_id,
        "nights": nights,
        "nightly_usd": h.nightly_usd,
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
        if ccy not in DATA.rates:
            raise ValueError(f"unknown currency {ccy!r}; known: {', '.join(DATA.rates)}")
    return round(amount / DATA.rates[src] * DATA.rates[dst], 2)


def get_forecast(city: str, date: str) -> dict[str, Any]:
    """Weather forecast for a city on a date (YYYY-MM-DD, 2024-06-10 to 2024-06-20).

    Returns {"city", "date", "condition" ("sunny", "partly cloudy", "cloudy", "rain" or
    "thunderstorms"), "high_c"}.
    """
    name, forecasts = _city(city), DATA.forecasts
    local = forecasts.cities[name]
    day = (datetime.fromisoformat(date.strip()) - datetime.fromisoformat(forecasts.start)).days
    if not 0 <= day < len(local.days):
        raise ValueError("forecasts cover 2024-06-10 to 2024-06-20")
    return {
        "city": name,
        "date": date.strip(),
        "condition": forecasts.conditions[local.days[day]],
        "high_c": local.high_c + (day * 3) % 5 - 2,
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
        if item_id in DATA.hotels:
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


def make_tools() -> list[Tool]:
    """Fresh tool instances for one run, with an empty trip cart."""
    cart = TripCart()
    functions = (
        city_info, search_flights, get_flight, search_hotels, get_hotel_reviews, hotel_quote,
        convert_currency, get_forecast, cart.add_to_cart, cart.cart_total,
    )  # fmt: skip
    return [FunctionTool(f) for f in functions]


# --- tasks: data/travel.toml -----------------------------------------------------------------

__getattr__ = suite_from_file("travel.toml", make_tools)

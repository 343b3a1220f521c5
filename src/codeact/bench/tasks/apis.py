"""The atomic suite's APIs: twelve small families of tools (calendar, weather, bank, ...) over
in-memory data built anew by each factory, so that a call that changes state (a transfer, a
booking) never leaks into another run. Their starting data are in data/atomic.json; the weather,
stock and health records are generated from it by seeded random walks (rules, kept here).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable
from typing import Any

from codeact.bench.datafiles import Record, data_file, load_records
from codeact.bench.suite import ToolFactory
from codeact.contracts import Tool
from codeact.tools import tool

# --- data ---------------------------------------------------------------------------------------


class Event(Record):
    title: str
    date: str
    start: str
    end: str


class Calendar(Record):
    events: dict[int, Event]


class Climate(Record):
    high: int  # typical, in March, in °C
    low: int
    conditions: list[str]  # the weather it gets


class Weather(Record):
    climate: dict[str, Climate]


class Transaction(Record):
    date: str
    description: str
    amount: float  # spending is negative


class Bank(Record):
    balances: dict[str, float]
    history: dict[str, list[Transaction]]  # oldest first
    today: str


class Reminder(Record):
    text: str
    date: str
    time: str
    done: bool


class Reminders(Record):
    reminders: dict[int, Reminder]


class Alarm(Record):
    time: str
    label: str
    days: list[str]
    enabled: bool


class Alarms(Record):
    alarms: dict[int, Alarm]


class Company(Record):
    name: str
    price: float  # the close of 2024-03-29


class Stocks(Record):
    companies: dict[str, Company]


class Unit(Record):
    quantity: str  # length, mass, volume, temperature
    size: float  # in the quantity's base unit (temperatures convert by formula)


class Units(Record):
    units: dict[str, Unit]


class Word(Record):
    definition: str
    synonyms: list[str]  # closest first


class Dictionary(Record):
    words: dict[str, Word]


class Mail(Record):
    subject: str
    sender: str
    unread: bool


class Email(Record):
    sent: list[str]
    inbox: list[Mail]  # newest first


class Booking(Record):
    room: str
    date: str
    start: str
    end: str


class Meetings(Record):
    rooms: dict[str, int]  # room -> seats
    bookings: dict[int, Booking]


class Restaurant(Record):
    cuisine: str
    price: int  # level 1-4
    patio: bool


class Restaurants(Record):
    restaurants: dict[str, Restaurant]
    reservations: list[int]  # the ids given so far


class ApiData(Record):
    calendar: Calendar
    weather: Weather
    bank: Bank
    reminders: Reminders
    alarms: Alarms
    stocks: Stocks
    units: Units
    dictionary: Dictionary
    email: Email
    meetings: Meetings
    restaurants: Restaurants


DATA = load_records(data_file("atomic.json"), ApiData)
COMPANIES = DATA.stocks.companies
UNITS = DATA.units.units
WORDS = DATA.dictionary.words
ROOMS = DATA.meetings.rooms
RESTAURANTS = DATA.restaurants.restaurants

# --- argument checks shared by the APIs --------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{2}):(\d{2})")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _date(value: object) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise ValueError(f"a date is written YYYY-MM-DD, like 2024-05-14; got {value!r}")
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return value.strip()


def _time(value: object) -> str:
    found = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise ValueError(f"a time is written HH:MM on a 24-hour clock, like 18:30; got {value!r}")
    return found.group(0)


def _span(start: object, end: object) -> tuple[str, str]:
    first, last = _time(start), _time(end)
    if last <= first:
        raise ValueError(f"the end ({last}) must be after the start ({first})")
    return first, last


def _pick(value: object, options: Iterable[str], what: str) -> str:
    """The option named by `value`, case-insensitively; an error that lists the options."""
    choices = list(options)
    wanted = str(value).strip().lower()
    for option in choices:
        if option.lower() == wanted:
            return option
    raise ValueError(f"unknown {what} {value!r}; known: {', '.join(choices)}")


def _strings(value: object, what: str) -> list[str]:
    """A list of strings; a single string counts as a one-item list."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise ValueError(f"{what} must be a list of strings; got {value!r}")
    return [str(i).strip() for i in items]


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number; got {value!r}")
    return float(value)


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a whole number of at least 1; got {value!r}")
    return value


# --- calendar ---------------------------------------------------------------------------------


def calendar_tools() -> list[Tool]:
    events: dict[int, dict[str, str]] = {i: e.model_dump() for i, e in DATA.calendar.events.items()}

    def on(day: str) -> list[tuple[int, dict[str, str]]]:
        return sorted(
            ((i, e) for i, e in events.items() if e["date"] == day), key=lambda p: p[1]["start"]
        )

    @tool
    def add_event(
        title: str, date: str, start: str, end: str, location: str = ""
    ) -> dict[str, Any]:
        """Add an event to the user's calendar.

        title: the event's name. date: YYYY-MM-DD. start, end: HH:MM on a 24-hour clock.
        location: where it takes place (optional).
        Returns {"event_id": the new event's id, "conflicts": titles of the events it overlaps}.
        """
        day, (first, last) = _date(date), _span(start, end)
        conflicts = [e["title"] for _, e in on(day) if e["start"] < last and first < e["end"]]
        event_id = max(events) + 1
        events[event_id] = {"title": title, "date": day, "start": first, "end": last}
        if location:
            events[event_id]["location"] = location
        return {"event_id": event_id, "conflicts": conflicts}

    @tool
    def query_events(date: str) -> list[str]:
        """List the events on the user's calendar on one day.

        date: YYYY-MM-DD. Returns one line per event, by start time:
        "HH:MM-HH:MM TITLE (event ID)".
        """
        return [f"{e['start']}-{e['end']} {e['title']} (event {i})" for i, e in on(_date(date))]

    @tool
    def delete_event(event_id: int) -> str:
        """Delete one event from the user's calendar.

        event_id: the event's id, as query_events shows it. Returns the deleted event's title.
        """
        if event_id not in events:
            raise KeyError(f"there is no event {event_id!r}")
        return events.pop(event_id)["title"]

    return [add_event, query_events, delete_event]


# --- weather ----------------------------------------------------------------------------------


def weather_tools() -> list[Tool]:
    forecasts: dict[tuple[str, str], tuple[str, int, int]] = {}
    for city, climate in DATA.weather.climate.items():  # March's typical weather, in °C
        for day in range(1, 32):
            date = f"2024-03-{day:02d}"
            rng = random.Random(f"weather|{city}|{date}")
            top = climate.high + rng.randint(-3, 3)
            condition = rng.choice(climate.conditions)
            forecasts[city, date] = (condition, top, min(climate.low + rng.randint(-3, 3), top - 2))

    @tool
    def get_weather(city: str, date: str, unit: str = "C") -> dict[str, Any]:
        """The weather forecast for a city on one day (forecasts cover March 2024).

        city: one of Oslo, Lisbon, Nairobi, Denver, Osaka, Buenos Aires, Toronto, Reykjavik.
        date: YYYY-MM-DD. unit: "C" for degrees Celsius (the default) or "F" for Fahrenheit.
        Returns {"condition": ..., "high": ..., "low": ...}, temperatures in whole degrees.
        """
        place, day = _pick(city, DATA.weather.climate, "city"), _date(date)
        scale = _pick(unit, ("C", "F"), "unit")
        if (place, day) not in forecasts:
            raise ValueError(f"no forecast for {day}: forecasts cover 2024-03-01 to 2024-03-31")
        condition, high, low = forecasts[place, day]
        if scale == "F":
            high, low = round(high * 9 / 5 + 32), round(low * 9 / 5 + 32)
        return {"condition": condition, "high": high, "low": low}

    return [get_weather]


# --- bank -------------------------------------------------------------------------------------


def bank_tools() -> list[Tool]:
    balances = dict(DATA.bank.balances)
    history = {  # oldest first
        account: [(t.date, t.description, t.amount) for t in rows]
        for account, rows in DATA.bank.history.items()
    }

    @tool
    def get_balance(account: str) -> float:
        """The current balance of one of the user's bank accounts, in dollars.

        account: "checking", "savings" or "travel".
        """
        return balances[_pick(account, balances, "account")]

    @tool
    def transfer(
        from_account: str, to_account: str, amount: float, note: str = ""
    ) -> dict[str, Any]:
        """Move money between two of the user's bank accounts.

        from_account, to_account: "checking", "savings" or "travel". amount: dollars, more than 0.
        note: a memo shown on both statements (optional).
        Returns {"from_balance": ..., "to_balance": ...}, the two balances after the transfer.
        """
        source = _pick(from_account, balances, "account")
        target = _pick(to_account, balances, "account")
        value = _number(amount, "amount")
        if source == target:
            raise ValueError("from_account and to_account must differ")
        if value <= 0:
            raise ValueError("amount must be more than 0")
        if value > balances[source]:
            raise ValueError(f"{source} holds only {balances[source]:.2f}")
        balances[source] = round(balances[source] - value, 2)
        balances[target] = round(balances[target] + value, 2)
        memo = note or "Transfer"
        today = DATA.bank.today
        history[source].append((today, memo, -value))
        history[target].append((today, memo, value))
        return {"from_balance": balances[source], "to_balance": balances[target]}

    @tool
    def list_transactions(account: str, limit: int = 5) -> list[str]:
        """The most recent transactions on one of the user's bank accounts, newest first.

        account: "checking", "savings" or "travel". limit: how many to show (default 5).
        Returns one line per transaction: "YYYY-MM-DD DESCRIPTION AMOUNT" (spending is negative).
        """
        rows = history[_pick(account, balances, "account")][::-1][: _count(limit, "limit")]
        return [f"{day} {what} {value:+.2f}" for day, what, value in rows]

    return [get_balance, transfer, list_transactions]


# --- reminders --------------------------------------------------------------------------------


def reminder_tools() -> list[Tool]:
    reminders = {i: r.model_dump() for i, r in DATA.reminders.reminders.items()}

    @tool
    def add_reminder(text: str, date: str, time: str) -> dict[str, Any]:
        """Add a reminder.

        text: what to be reminded of. date: YYYY-MM-DD. time: HH:MM on a 24-hour clock.
        Returns {"reminder_id": the new reminder's id, "due": "YYYY-MM-DD HH:MM"}.
        """
        day, at = _date(date), _time(time)
        reminder_id = max(reminders) + 1
        reminders[reminder_id] = {"text": text, "date": day, "time": at, "done": False}
        return {"reminder_id": reminder_id, "due": f"{day} {at}"}

    @tool
    def list_reminders(date: str, include_done: bool = False) -> list[str]:
        """List the reminders due on one day, by time.

        date: YYYY-MM-DD. include_done: also list reminders already marked done (default false).
        Returns one line per reminder: "HH:MM TEXT (reminder ID)", with ", done" for done ones.
        """
        day = _date(date)
        found = sorted(
            (r["time"], i, r)
            for i, r in reminders.items()
            if r["date"] == day and (include_done or not r["done"])
        )
        return [
            f"{at} {r['text']} (reminder {i}{', done' if r['done'] else ''})" for at, i, r in found
        ]

    @tool
    def complete_reminder(reminder_id: int) -> str:
        """Mark a reminder as done.

        reminder_id: the reminder's id, as list_reminders shows it. Returns the reminder's text.
        """
        if reminder_id not in reminders:
            raise KeyError(f"there is no reminder {reminder_id!r}")
        reminders[reminder_id]["done"] = True
        return str(reminders[reminder_id]["text"])

    return [add_reminder, list_reminders, complete_reminder]


# --- alarms -----------------------------------------------------------------------------------


def alarm_tools() -> list[Tool]:
    alarms = {i: a.model_dump() for i, a in DATA.alarms.alarms.items()}

    @tool
    def set_alarm(time: str, label: str = "", days: list[str] | None = None) -> dict[str, Any]:
        """Set a new alarm, switched on.

        time: HH:MM on a 24-hour clock. label: a name shown when it rings (optional).
        days: the weekdays it repeats on, as "mon", "tue", "wed", "thu", "fri", "sat", "sun";
        leave out for an alarm that rings once.
        Returns {"alarm_id": ..., "time": ..., "label": ..., "days": repeat days in week order}.
        """
        at = _time(time)
        repeat = [_pick(d, _WEEKDAYS, "weekday") for d in _strings(days or [], "days")]
        ordered = [d for d in _WEEKDAYS if d in repeat]
        alarm_id = max(alarms) + 1
        alarms[alarm_id] = {"time": at, "label": label, "days": ordered, "enabled": True}
        return {"alarm_id": alarm_id, "time": at, "label": label, "days": ordered}

    @tool
    def set_alarm_enabled(alarm_id: int, enabled: bool) -> dict[str, Any]:
        """Switch an existing alarm on or off.

        alarm_id: the alarm's id. enabled: true to switch it on, false to switch it off.
        Returns {"time": ..., "label": ..., "enabled": ...}, the alarm after the change.
        """
        if alarm_id not in alarms:
            raise KeyError(f"there is no alarm {alarm_id!r}")
        if not isinstance(enabled, bool):
            raise ValueError(f"enabled must be true or false; got {enabled!r}")
        alarm = alarms[alarm_id]
        alarm["enabled"] = enabled
        return {"time": alarm["time"], "label": alarm["label"], "enabled": enabled}

    return [set_alarm, set_alarm_enabled]


# --- stocks -----------------------------------------------------------------------------------


def stock_tools() -> list[Tool]:
    closes: dict[str, dict[str, float]] = {}
    for symbol, company in COMPANIES.items():  # a random walk from the close of 2024-03-29
        price = company.price
        rng = random.Random(f"stock|{symbol}")
        closes[symbol] = {}
        for day in range(1, 31):
            date = dt.date(2024, 4, day)
            if date.weekday() < 5:  # the market is closed at weekends
                price *= 1 + rng.uniform(-0.03, 0.03)
                closes[symbol][date.isoformat()] = round(price, 2)

    def close(symbol: str, date: str) -> float:
        day = _date(date)
        if day not in closes[symbol]:
            raise ValueError(
                f"no close for {day}: prices cover the trading days (Monday to Friday) "
                "from 2024-04-01 to 2024-04-30"
            )
        return closes[symbol][day]

    @tool
    def get_stock_price(symbol: str, date: str) -> float:
        """A stock's closing price on one trading day, in dollars (April 2024 is available).

        symbol: the ticker: NWT (Northwind Traders), BFE (Bluefin Energy), CPL (Copperleaf Labs),
        MDF (Meridian Foods), TSL (Tessellate Software) or KSA (Kestrel Air). date: YYYY-MM-DD.
        """
        return close(_pick(symbol, COMPANIES, "ticker"), date)

    @tool
    def get_price_change(symbol: str, start_date: str, end_date: str) -> float:
        """How much a stock's closing price changed between two trading days, in percent.

        symbol: the ticker: NWT (Northwind Traders), BFE (Bluefin Energy), CPL (Copperleaf Labs),
        MDF (Meridian Foods), TSL (Tessellate Software) or KSA (Kestrel Air).
        start_date, end_date: YYYY-MM-DD. Returns the change rounded to 2 decimals (-3.5 is a fall
        of 3.5%).
        """
        ticker = _pick(symbol, COMPANIES, "ticker")
        first, last = close(ticker, start_date), close(ticker, end_date)
        return round((last - first) / first * 100, 2)

    return [get_stock_price, get_price_change]


# --- unit conversion --------------------------------------------------------------------------


def unit_tools() -> list[Tool]:
    @tool
    def convert_units(value: float, from_unit: str, to_unit: str) -> float:
        """Convert a quantity from one unit to another of the same kind.

        value: the quantity. from_unit, to_unit: unit codes. Length: m, km, mi, ft, in.
        Mass: g, kg, lb, oz. Volume: l, ml, gal (US gallon), cup (US cup).
        Temperature: C, F, K. Returns the converted value rounded to 4 decimals.
        """
        amount = _number(value, "value")
        source, target = _pick(from_unit, UNITS, "unit"), _pick(to_unit, UNITS, "unit")
        kind, size = UNITS[source].quantity, UNITS[source].size
        other, target_size = UNITS[target].quantity, UNITS[target].size
        if kind != other:
            raise ValueError(f"cannot convert {kind} ({source}) to {other} ({target})")
        if kind != "temperature":
            return round(amount * size / target_size, 4)
        kelvin = {"C": amount + 273.15, "F": (amount - 32) * 5 / 9 + 273.15, "K": amount}[source]
        out = {"C": kelvin - 273.15, "F": (kelvin - 273.15) * 9 / 5 + 32, "K": kelvin}[target]
        return round(out, 4)

    return [convert_units]


# --- dictionary -------------------------------------------------------------------------------


def dictionary_tools() -> list[Tool]:
    @tool
    def define_word(word: str) -> str:
        """The main definition of an English word."""
        return WORDS[_pick(word, WORDS, "word")].definition

    @tool
    def get_synonyms(word: str, limit: int = 3) -> list[str]:
        """Synonyms of an English word, closest first.

        word: the word. limit: how many synonyms to return at most (default 3).
        """
        return WORDS[_pick(word, WORDS, "word")].synonyms[: _count(limit, "limit")]

    return [define_word, get_synonyms]


# --- email ------------------------------------------------------------------------------------


def email_tools() -> list[Tool]:
    sent = list(DATA.email.sent)
    inbox = [(m.subject, m.sender, m.unread) for m in DATA.email.inbox]  # newest first

    @tool
    def send_email(
        to: list[str], subject: str, body: str, cc: list[str] | None = None
    ) -> dict[str, Any]:
        """Send an email from the user's account.

        to: the recipients' addresses. subject: the subject line. body: the message text.
        cc: addresses to copy (optional).
        Returns {"message_id": ..., "recipients": how many addresses it went to}.
        """
        addresses = _strings(to, "to") + _strings(cc or [], "cc")
        if not addresses or not all("@" in a for a in addresses):
            raise ValueError(f"give the recipients as email addresses; got {addresses!r}")
        message_id = f"msg-{101 + len(sent)}"
        sent.append(message_id)
        return {"message_id": message_id, "recipients": len(addresses)}

    @tool
    def search_inbox(query: str, unread_only: bool = False) -> list[str]:
        """Search the user's inbox, newest first.

        query: text to find in the subject or the sender's address (any case).
        unread_only: only unread messages (default false).
        Returns one line per message: "SUBJECT (from SENDER)".
        """
        needle = query.strip().lower()
        return [
            f"{subject} (from {sender})"
            for subject, sender, unread in inbox
            if (needle in subject.lower() or needle in sender) and (unread or not unread_only)
        ]

    return [send_email, search_inbox]


# --- meeting rooms ----------------------------------------------------------------------------


def meeting_tools() -> list[Tool]:
    bookings = {i: (b.room, b.date, b.start, b.end) for i, b in DATA.meetings.bookings.items()}

    def free(room: str, day: str, first: str, last: str) -> bool:
        return not any(
            r == room and d == day and s < last and first < e for r, d, s, e in bookings.values()
        )

    @tool
    def find_free_rooms(date: str, start: str, end: str, capacity: int = 1) -> list[str]:
        """The meeting rooms free for a whole time slot, by name.

        date: YYYY-MM-DD. start, end: HH:MM on a 24-hour clock.
        capacity: the fewest seats the room must have (default 1).
        Rooms: Aurora (4 seats), Birch (8), Cedar (12), Delta (20).
        """
        day, (first, last) = _date(date), _span(start, end)
        need = _count(capacity, "capacity")
        return [r for r, seats in ROOMS.items() if seats >= need and free(r, day, first, last)]

    @tool
    def book_meeting_room(
        room: str, date: str, start: str, end: str, attendees: list[str]
    ) -> dict[str, Any]:
        """Book a meeting room and invite people.

        room: Aurora (4 seats), Birch (8), Cedar (12) or Delta (20). date: YYYY-MM-DD.
        start, end: HH:MM on a 24-hour clock. attendees: the invitees' email addresses.
        Returns {"booking_id": ..., "room": ..., "seats_left": seats not taken by attendees}.
        """
        name, day, (first, last) = _pick(room, ROOMS, "room"), _date(date), _span(start, end)
        people = _strings(attendees, "attendees")
        if len(people) > ROOMS[name]:
            raise ValueError(f"{name} has only {ROOMS[name]} seats")
        if not free(name, day, first, last):
            raise ValueError(f"{name} is already booked during {first}-{last} on {day}")
        booking_id = max(bookings) + 1
        bookings[booking_id] = (name, day, first, last)
        return {"booking_id": booking_id, "room": name, "seats_left": ROOMS[name] - len(people)}

    return [find_free_rooms, book_meeting_room]


# --- health -----------------------------------------------------------------------------------

_METRICS = ("steps", "sleep_hours", "resting_hr", "weight_kg")


def health_tools() -> list[Tool]:
    data: dict[str, dict[str, float]] = {m: {} for m in _METRICS}
    for day in range(1, 22):
        date = f"2024-05-{day:02d}"
        rng = random.Random(f"health|{date}")
        data["steps"][date] = rng.randint(3500, 14000)
        data["sleep_hours"][date] = round(rng.uniform(5.5, 8.5), 1)
        data["resting_hr"][date] = rng.randint(56, 68)
        data["weight_kg"][date] = round(78.4 - 0.08 * day + rng.uniform(-0.3, 0.3), 1)

    def series(metric: str, first: str, last: str) -> list[float]:
        values = data[_pick(metric, _METRICS, "metric")]
        start, end = _date(first), _date(last)
        for day in (start, end):
            if day not in values:
                raise ValueError(f"no data for {day}: records cover 2024-05-01 to 2024-05-21")
        if end < start:
            raise ValueError("end_date must not be before start_date")
        return [v for d, v in values.items() if start <= d <= end]

    @tool
    def get_health_data(metric: str, date: str) -> float:
        """One day's value of a health metric from the user's tracker (May 2024 is recorded).

        metric: "steps" (steps walked), "sleep_hours" (sleep the night before, in hours),
        "resting_hr" (resting heart rate, beats per minute) or "weight_kg" (morning weight, kg).
        date: YYYY-MM-DD.
        """
        return series(metric, date, date)[0]

    @tool
    def get_health_average(metric: str, start_date: str, end_date: str) -> float:
        """The daily average of a health metric over a range of days, both ends included.

        metric: "steps", "sleep_hours", "resting_hr" or "weight_kg" (see get_health_data).
        start_date, end_date: YYYY-MM-DD. Returns the average rounded to 2 decimals.
        """
        values = series(metric, start_date, end_date)
        return round(sum(values) / len(values), 2)

    return [get_health_data, get_health_average]


# --- restaurants ------------------------------------------------------------------------------


def restaurant_tools() -> list[Tool]:
    reservations = list(DATA.restaurants.reservations)

    @tool
    def search_restaurants(cuisine: str, max_price: int = 4) -> list[str]:
        """Restaurants nearby serving a cuisine, by name.

        cuisine: e.g. "italian", "chinese", "japanese", "seafood", "vietnamese".
        max_price: the highest price level to include, from 1 (cheap) to 4 (expensive); default 4.
        """
        wanted, most = cuisine.strip().lower(), _count(max_price, "max_price")
        return sorted(
            name for name, r in RESTAURANTS.items() if r.cuisine == wanted and r.price <= most
        )

    @tool
    def book_table(
        restaurant: str, date: str, time: str, party_size: int, outdoor: bool = False
    ) -> dict[str, Any]:
        """Reserve a table at a restaurant.

        restaurant: its name. date: YYYY-MM-DD. time: HH:MM on a 24-hour clock.
        party_size: how many people (1 to 12). outdoor: a table on the patio (default false).
        Returns {"reservation_id": ..., "restaurant": ..., "table": the table given}.
        """
        name = _pick(restaurant, RESTAURANTS, "restaurant")
        _date(date), _time(time)  # checked only: every slot is open in this small world
        size = _count(party_size, "party_size")
        if size > 12:
            raise ValueError("tables seat at most 12 people; call the restaurant for more")
        if outdoor and not RESTAURANTS[name].patio:
            raise ValueError(f"{name} has no patio")
        table = "patio" if outdoor else next(f"T{n}" for n in (2, 4, 8, 12) if size <= n)
        reservation_id = reservations[-1] + 1
        reservations.append(reservation_id)
        return {"reservation_id": reservation_id, "restaurant": name, "table": table}

    return [search_restaurants, book_table]


FAMILIES: dict[str, ToolFactory] = {
    "calendar": calendar_tools,
    "weather": weather_tools,
    "bank": bank_tools,
    "reminders": reminder_tools,
    "alarms": alarm_tools,
    "stocks": stock_tools,
    "units": unit_tools,
    "dictionary": dictionary_tools,
    "email": email_tools,
    "meetings": meeting_tools,
    "health": health_tools,
    "restaurants": restaurant_tools,
}

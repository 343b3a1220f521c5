"""Atomic tool calls: given a dialogue and the documentation of an API, make the one right call.

In the spirit of API-Bank's "call" level, with our own APIs, data and dialogues. Each case is a
conversation between a user and an AI assistant that ends with a user request; the model sees the
documentation of one API family (its tools and their docstrings) and must make exactly one call:
the right tool with the right arguments. The values it needs may sit in earlier turns, may need
converting to the format the documentation asks for (dates as YYYY-MM-DD, times as HH:MM, a ticker
for a company name, a unit code), and optional arguments are passed only when the user asks for
them.

Judging (codeact.bench.episode): the first call the model makes is compared with the case's
`expected_call` (the same tool, the same argument names, each value equal under the task's
Check), and its executed result with `answer`, which is that expected call run on fresh tools.

The APIs (one family per `domain`) work on small in-memory data built anew by each
`make_tools()`, so a call that changes state (a transfer, a booking) never leaks into another run.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterable
from typing import Any

from codeact.bench.suite import Call, Check, Suite, Task, ToolFactory, references
from codeact.contracts import Tool
from codeact.tools import tool

PROMPT = (
    "Dialogue so far:\n{dialogue}\n\n"
    "Make the one API call that serves the user's last request, then give its result as your "
    "final answer."
)

# --- argument checks shared by the APIs -------------------------------------------------------

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
    events: dict[int, dict[str, str]] = {
        1: {"title": "Team standup", "date": "2024-05-13", "start": "09:00", "end": "09:15"},
        2: {"title": "Dentist", "date": "2024-05-14", "start": "15:30", "end": "16:15"},
        3: {"title": "Lunch with Priya", "date": "2024-05-14", "start": "12:30", "end": "13:30"},
        4: {"title": "Quarterly planning", "date": "2024-05-16", "start": "10:00", "end": "12:00"},
        5: {"title": "Yoga class", "date": "2024-05-16", "start": "18:00", "end": "19:00"},
        6: {"title": "Flight to Lisbon", "date": "2024-05-18", "start": "07:45", "end": "10:20"},
        7: {"title": "Team standup", "date": "2024-05-14", "start": "09:00", "end": "09:15"},
    }

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

# city: (typical high, typical low) in March, in °C, and the weather it gets
_CLIMATE: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "Oslo": (4, -3, ("snow", "cloudy", "sunny", "sleet")),
    "Lisbon": (18, 10, ("sunny", "cloudy", "rain", "sunny")),
    "Nairobi": (27, 14, ("sunny", "cloudy", "thunderstorms")),
    "Denver": (12, -1, ("sunny", "snow", "windy", "cloudy")),
    "Osaka": (13, 5, ("rain", "cloudy", "sunny")),
    "Buenos Aires": (25, 16, ("sunny", "cloudy", "rain")),
    "Toronto": (5, -3, ("snow", "rain", "cloudy", "sunny")),
    "Reykjavik": (3, -2, ("snow", "windy", "cloudy", "rain")),
}


def weather_tools() -> list[Tool]:
    forecasts: dict[tuple[str, str], tuple[str, int, int]] = {}
    for city, (high, low, kinds) in _CLIMATE.items():
        for day in range(1, 32):
            date = f"2024-03-{day:02d}"
            rng = random.Random(f"weather|{city}|{date}")
            top = high + rng.randint(-3, 3)
            forecasts[city, date] = (rng.choice(kinds), top, min(low + rng.randint(-3, 3), top - 2))

    @tool
    def get_weather(city: str, date: str, unit: str = "C") -> dict[str, Any]:
        """The weather forecast for a city on one day (forecasts cover March 2024).

        city: one of Oslo, Lisbon, Nairobi, Denver, Osaka, Buenos Aires, Toronto, Reykjavik.
        date: YYYY-MM-DD. unit: "C" for degrees Celsius (the default) or "F" for Fahrenheit.
        Returns {"condition": ..., "high": ..., "low": ...}, temperatures in whole degrees.
        """
        place, day = _pick(city, _CLIMATE, "city"), _date(date)
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
    balances = {"checking": 2450.75, "savings": 12800.00, "travel": 310.20}
    history: dict[str, list[tuple[str, str, float]]] = {  # oldest first
        "checking": [
            ("2024-04-01", "Salary", 3200.00),
            ("2024-04-02", "Rent", -1450.00),
            ("2024-04-03", "Grocery Mart", -84.30),
            ("2024-04-05", "City Power", -61.12),
            ("2024-04-06", "Cafe Rossi", -7.80),
            ("2024-04-08", "Pharmacy", -23.45),
            ("2024-04-09", "Bookshop", -31.90),
        ],
        "savings": [("2024-03-31", "Interest", 21.33), ("2024-04-01", "From checking", 500.00)],
        "travel": [("2024-04-04", "Rail pass", -120.00), ("2024-04-07", "Hotel deposit", -150.00)],
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
        today = "2024-04-10"
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
    reminders: dict[int, dict[str, Any]] = {
        1: {"text": "Pay rent", "date": "2024-06-01", "time": "09:00", "done": False},
        2: {"text": "Call grandma", "date": "2024-05-19", "time": "18:00", "done": False},
        3: {"text": "Renew passport", "date": "2024-05-20", "time": "10:00", "done": False},
        4: {"text": "Water the plants", "date": "2024-05-19", "time": "08:00", "done": True},
        5: {
            "text": "Buy birthday card for Sam",
            "date": "2024-05-19",
            "time": "12:00",
            "done": False,
        },
    }

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
    alarms: dict[int, dict[str, Any]] = {
        1: {"time": "06:30", "label": "Workday", "days": list(_WEEKDAYS[:5]), "enabled": True},
        2: {"time": "08:00", "label": "Weekend", "days": ["sat", "sun"], "enabled": False},
        3: {"time": "14:00", "label": "Nap", "days": [], "enabled": False},
    }

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

_COMPANIES: dict[str, tuple[str, float]] = {  # ticker: (company, price on 2024-03-29)
    "NWT": ("Northwind Traders", 48.00),
    "BFE": ("Bluefin Energy", 112.00),
    "CPL": ("Copperleaf Labs", 23.50),
    "MDF": ("Meridian Foods", 67.00),
    "TSL": ("Tessellate Software", 305.00),
    "KSA": ("Kestrel Air", 15.80),
}


def stock_tools() -> list[Tool]:
    closes: dict[str, dict[str, float]] = {}
    for symbol, (_, price) in _COMPANIES.items():
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
        return close(_pick(symbol, _COMPANIES, "ticker"), date)

    @tool
    def get_price_change(symbol: str, start_date: str, end_date: str) -> float:
        """How much a stock's closing price changed between two trading days, in percent.

        symbol: the ticker: NWT (Northwind Traders), BFE (Bluefin Energy), CPL (Copperleaf Labs),
        MDF (Meridian Foods), TSL (Tessellate Software) or KSA (Kestrel Air).
        start_date, end_date: YYYY-MM-DD. Returns the change rounded to 2 decimals (-3.5 is a fall
        of 3.5%).
        """
        ticker = _pick(symbol, _COMPANIES, "ticker")
        first, last = close(ticker, start_date), close(ticker, end_date)
        return round((last - first) / first * 100, 2)

    return [get_stock_price, get_price_change]


# --- unit conversion --------------------------------------------------------------------------

_UNITS: dict[str, tuple[str, float]] = {  # unit: (quantity, size in the quantity's base unit)
    "m": ("length", 1.0),
    "km": ("length", 1000.0),
    "mi": ("length", 1609.344),
    "ft": ("length", 0.3048),
    "in": ("length", 0.0254),
    "g": ("mass", 1.0),
    "kg": ("mass", 1000.0),
    "lb": ("mass", 453.59237),
    "oz": ("mass", 28.349523125),
    "l": ("volume", 1.0),
    "ml": ("volume", 0.001),
    "gal": ("volume", 3.785411784),
    "cup": ("volume", 0.2365882365),
    "C": ("temperature", 0.0),
    "F": ("temperature", 0.0),
    "K": ("temperature", 0.0),
}


def unit_tools() -> list[Tool]:
    @tool
    def convert_units(value: float, from_unit: str, to_unit: str) -> float:
        """Convert a quantity from one unit to another of the same kind.

        value: the quantity. from_unit, to_unit: unit codes. Length: m, km, mi, ft, in.
        Mass: g, kg, lb, oz. Volume: l, ml, gal (US gallon), cup (US cup).
        Temperature: C, F, K. Returns the converted value rounded to 4 decimals.
        """
        amount = _number(value, "value")
        source, target = _pick(from_unit, _UNITS, "unit"), _pick(to_unit, _UNITS, "unit")
        (kind, size), (other, target_size) = _UNITS[source], _UNITS[target]
        if kind != other:
            raise ValueError(f"cannot convert {kind} ({source}) to {other} ({target})")
        if kind != "temperature":
            return round(amount * size / target_size, 4)
        kelvin = {"C": amount + 273.15, "F": (amount - 32) * 5 / 9 + 273.15, "K": amount}[source]
        out = {"C": kelvin - 273.15, "F": (kelvin - 273.15) * 9 / 5 + 32, "K": kelvin}[target]
        return round(out, 4)

    return [convert_units]


# --- dictionary -------------------------------------------------------------------------------

_WORDS: dict[str, tuple[str, list[str]]] = {  # word: (definition, synonyms by closeness)
    "ephemeral": (
        "lasting for a very short time",
        ["fleeting", "transient", "short-lived", "momentary", "passing"],
    ),
    "laconic": (
        "using very few words",
        ["terse", "brief", "concise", "succinct", "curt"],
    ),
    "serendipity": (
        "the luck of finding something good without looking for it",
        ["chance", "fortune", "luck", "happenstance", "fluke"],
    ),
    "ubiquitous": (
        "found everywhere at the same time",
        ["omnipresent", "pervasive", "universal", "everywhere", "rife"],
    ),
    "gregarious": (
        "fond of company; sociable",
        ["sociable", "outgoing", "convivial", "friendly", "affable"],
    ),
    "meticulous": (
        "showing great care about every detail",
        ["thorough", "painstaking", "careful", "scrupulous", "precise"],
    ),
    "candid": (
        "saying what one thinks openly and honestly",
        ["frank", "honest", "open", "forthright", "direct", "blunt"],
    ),
    "resilient": (
        "able to recover quickly from difficulty",
        ["tough", "hardy", "robust", "buoyant", "irrepressible"],
    ),
}


def dictionary_tools() -> list[Tool]:
    @tool
    def define_word(word: str) -> str:
        """The main definition of an English word."""
        return _WORDS[_pick(word, _WORDS, "word")][0]

    @tool
    def get_synonyms(word: str, limit: int = 3) -> list[str]:
        """Synonyms of an English word, closest first.

        word: the word. limit: how many synonyms to return at most (default 3).
        """
        return _WORDS[_pick(word, _WORDS, "word")][1][: _count(limit, "limit")]

    return [define_word, get_synonyms]


# --- email ------------------------------------------------------------------------------------


def email_tools() -> list[Tool]:
    sent = ["msg-101", "msg-102", "msg-103"]
    inbox = [  # (subject, sender, unread), newest first
        ("Re: Team offsite agenda", "tom@company.example", True),
        ("Your flight to Lisbon is confirmed", "bookings@skyways.example", True),
        ("Invoice #2291 for April", "billing@northwind.example", True),
        ("Lunch on Friday?", "priya@company.example", False),
        ("Team offsite agenda", "maya@company.example", False),
        ("Invoice #2277 for March", "billing@northwind.example", False),
    ]

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

_ROOMS = {"Aurora": 4, "Birch": 8, "Cedar": 12, "Delta": 20}  # room: seats


def meeting_tools() -> list[Tool]:
    bookings: dict[int, tuple[str, str, str, str]] = {  # id: (room, date, start, end)
        11: ("Aurora", "2024-05-15", "09:00", "10:00"),
        12: ("Birch", "2024-05-15", "10:00", "11:30"),
        13: ("Cedar", "2024-05-15", "09:30", "10:30"),
        14: ("Delta", "2024-05-16", "13:00", "17:00"),
        15: ("Birch", "2024-05-16", "14:00", "15:00"),
    }

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
        return [r for r, seats in _ROOMS.items() if seats >= need and free(r, day, first, last)]

    @tool
    def book_meeting_room(
        room: str, date: str, start: str, end: str, attendees: list[str]
    ) -> dict[str, Any]:
        """Book a meeting room and invite people.

        room: Aurora (4 seats), Birch (8), Cedar (12) or Delta (20). date: YYYY-MM-DD.
        start, end: HH:MM on a 24-hour clock. attendees: the invitees' email addresses.
        Returns {"booking_id": ..., "room": ..., "seats_left": seats not taken by attendees}.
        """
        name, day, (first, last) = _pick(room, _ROOMS, "room"), _date(date), _span(start, end)
        people = _strings(attendees, "attendees")
        if len(people) > _ROOMS[name]:
            raise ValueError(f"{name} has only {_ROOMS[name]} seats")
        if not free(name, day, first, last):
            raise ValueError(f"{name} is already booked during {first}-{last} on {day}")
        booking_id = max(bookings) + 1
        bookings[booking_id] = (name, day, first, last)
        return {"booking_id": booking_id, "room": name, "seats_left": _ROOMS[name] - len(people)}

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

_RESTAURANTS = {  # name: (cuisine, price level 1-4, has a patio)
    "Casa Lupo": ("italian", 3, True),
    "Trattoria Bella": ("italian", 2, False),
    "Golden Lotus": ("chinese", 2, False),
    "The Salt House": ("seafood", 4, True),
    "Nori Bar": ("japanese", 3, False),
    "Ramen Ichi": ("japanese", 1, False),
    "Little Saigon": ("vietnamese", 1, True),
}


def restaurant_tools() -> list[Tool]:
    reservations: list[int] = [497, 498, 499, 500]

    @tool
    def search_restaurants(cuisine: str, max_price: int = 4) -> list[str]:
        """Restaurants nearby serving a cuisine, by name.

        cuisine: e.g. "italian", "chinese", "japanese", "seafood", "vietnamese".
        max_price: the highest price level to include, from 1 (cheap) to 4 (expensive); default 4.
        """
        wanted, most = cuisine.strip().lower(), _count(max_price, "max_price")
        return sorted(
            name
            for name, (kind, price, _) in _RESTAURANTS.items()
            if kind == wanted and price <= most
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
        name = _pick(restaurant, _RESTAURANTS, "restaurant")
        _date(date), _time(time)  # checked only: every slot is open in this small world
        size = _count(party_size, "party_size")
        if size > 12:
            raise ValueError("tables seat at most 12 people; call the restaurant for more")
        if outdoor and not _RESTAURANTS[name][2]:
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

# --- the cases --------------------------------------------------------------------------------

# (domain, dialogue turns from the user and the AI in turn, ending with the user, tool, arguments)
_Case = tuple[str, list[str], str, dict[str, Any]]
_UNORDERED = Check(unordered=True)  # list arguments whose order the user does not fix
# money is exact to the cent: the default relative tolerance would let 1000.51 pass for 1000.50
# money to the cent; conversions to the 4 decimals the tool rounds to
_CHECKS = {"bank": Check(tolerance=0.005), "units": Check(decimals=4)}

CASES: list[_Case] = [
    # calendar
    (
        "calendar",
        ["Please put 'Book club' on my calendar for 2024-05-15, from 19:00 to 20:30."],
        "add_event",
        {"title": "Book club", "date": "2024-05-15", "start": "19:00", "end": "20:30"},
    ),
    (
        "calendar",
        [
            "I need to set up a call with the Berlin office.",
            "Sure. Which day and time, and what should I call it?",
            "Thursday 2024-05-16, 11:30 to 12:15. Call it 'Berlin sync'.",
            "Got it. Should I add a location?",
            "Yes: Room 4.",
        ],
        "add_event",
        {
            "title": "Berlin sync",
            "date": "2024-05-16",
            "start": "11:30",
            "end": "12:15",
            "location": "Room 4",
        },
    ),
    (
        "calendar",
        ["Add 'Haircut' on 2024-05-18 from 14:00 to 14:45, at Salon Verde."],
        "add_event",
        {
            "title": "Haircut",
            "date": "2024-05-18",
            "start": "14:00",
            "end": "14:45",
            "location": "Salon Verde",
        },
    ),
    (
        "calendar",
        ["What do I have on my calendar on 2024-05-14?"],
        "query_events",
        {"date": "2024-05-14"},
    ),
    (
        "calendar",
        [
            "Am I busy on the 16th?",
            "Which month and year do you mean?",
            "May 2024. What's on my calendar that day?",
        ],
        "query_events",
        {"date": "2024-05-16"},
    ),
    (
        "calendar",
        [
            "What's on my calendar for 2024-05-14?",
            "You have Team standup 09:00-09:15 (event 7), Lunch with Priya 12:30-13:30 "
            "(event 3) and Dentist 15:30-16:15 (event 2).",
            "The dentist just cancelled. Please delete that one.",
        ],
        "delete_event",
        {"event_id": 2},
    ),
    (
        "calendar",
        [
            "My yoga studio is closed this week.",
            "Sorry to hear that. Do you want to change anything on your calendar?",
            "What do I have on 2024-05-16?",
            "On 2024-05-16 you have Quarterly planning 10:00-12:00 (event 4) and Yoga class "
            "18:00-19:00 (event 5).",
            "Remove the yoga class, please.",
        ],
        "delete_event",
        {"event_id": 5},
    ),
    # weather
    (
        "weather",
        ["What will the weather be like in Lisbon on 2024-03-08?"],
        "get_weather",
        {"city": "Lisbon", "date": "2024-03-08"},
    ),
    (
        "weather",
        ["I'm flying to Denver. Can you get me the forecast for 2024-03-15, in Fahrenheit?"],
        "get_weather",
        {"city": "Denver", "date": "2024-03-15", "unit": "F"},
    ),
    (
        "weather",
        [
            "I'm going to Osaka this month.",
            "Nice! Can I help you plan?",
            "We land there on 2024-03-22.",
            "Great. Anything you'd like to know?",
            "Yes: what's the forecast for the day we land?",
        ],
        "get_weather",
        {"city": "Osaka", "date": "2024-03-22"},
    ),
    (
        "weather",
        [
            "Today is 2024-03-11. Will I need an umbrella tomorrow?",
            "I can check the forecast. Which city are you in?",
            "Toronto.",
        ],
        "get_weather",
        {"city": "Toronto", "date": "2024-03-12"},
    ),
    (
        "weather",
        [
            "Is it going to snow in Oslo on 2024-03-05?",
            "I can check. Would you like the temperatures in Celsius or Fahrenheit?",
            "Fahrenheit, please.",
        ],
        "get_weather",
        {"city": "Oslo", "date": "2024-03-05", "unit": "F"},
    ),
    (
        "weather",
        [
            "Hi! I'm planning a trip.",
            "Happy to help. Where are you going?",
            "First Lisbon, then Reykjavik.",
            "Sounds great. What are your dates?",
            "Lisbon from 2024-03-18 to 2024-03-20, then Reykjavik from 2024-03-21 to 2024-03-24.",
            "Got it. What would you like to know?",
            "Should I pack a heavy coat for Iceland?",
            "I can look at the forecast there. Which day matters most?",
            "The first day I'm there.",
        ],
        "get_weather",
        {"city": "Reykjavik", "date": "2024-03-21"},
    ),
    # bank
    (
        "bank",
        ["How much money is in my savings account?"],
        "get_balance",
        {"account": "savings"},
    ),
    (
        "bank",
        [
            "I'd like to check one of my accounts.",
            "Sure. Which one: checking, savings or travel?",
            "The travel one. What's its balance?",
        ],
        "get_balance",
        {"account": "travel"},
    ),
    (
        "bank",
        ["Move 250 dollars from checking to travel."],
        "transfer",
        {"from_account": "checking", "to_account": "travel", "amount": 250},
    ),
    (
        "bank",
        [
            "I want to top up my savings.",
            "I can make a transfer. From which account?",
            "From checking.",
            "How much, and should I add a note?",
            "1000.50, with the note 'April top-up'.",
        ],
        "transfer",
        {
            "from_account": "checking",
            "to_account": "savings",
            "amount": 1000.50,
            "note": "April top-up",
        },
    ),
    (
        "bank",
        ["Show me the last 3 transactions on my checking account."],
        "list_transactions",
        {"account": "checking", "limit": 3},
    ),
    (
        "bank",
        [
            "Something looks off with one of my accounts.",
            "I can help. Which account?",
            "Travel. Show me its recent transactions.",
        ],
        "list_transactions",
        {"account": "travel"},
    ),
    # reminders
    (
        "reminders",
        ['Set a reminder "Submit expense report" for 2024-05-21 at 16:00.'],
        "add_reminder",
        {"text": "Submit expense report", "date": "2024-05-21", "time": "16:00"},
    ),
    (
        "reminders",
        [
            "I keep forgetting to take my vitamins.",
            "I can set a reminder. When should it go off?",
            "Tomorrow at 7:30 in the morning. Today is 2024-05-20.",
            "What should the reminder say?",
            '"Take vitamins".',
        ],
        "add_reminder",
        {"text": "Take vitamins", "date": "2024-05-21", "time": "07:30"},
    ),
    (
        "reminders",
        ["Which reminders do I have on 2024-05-19?"],
        "list_reminders",
        {"date": "2024-05-19"},
    ),
    (
        "reminders",
        [
            "List my reminders for 2024-05-19.",
            "Should I include the ones you have already completed?",
            "Yes, show all of them, done or not.",
        ],
        "list_reminders",
        {"date": "2024-05-19", "include_done": True},
    ),
    (
        "reminders",
        [
            "What reminders do I have on 2024-05-20?",
            "You have one: 10:00 Renew passport (reminder 3).",
            "I did that this morning. Mark it as done.",
        ],
        "complete_reminder",
        {"reminder_id": 3},
    ),
    # alarms
    (
        "alarms",
        ["Set an alarm for 05:45."],
        "set_alarm",
        {"time": "05:45"},
    ),
    (
        "alarms",
        [
            "Set an alarm for 21:15.",
            "Do you want a label on it?",
            "Yes, label it 'Take out the bins'.",
        ],
        "set_alarm",
        {"time": "21:15", "label": "Take out the bins"},
    ),
    (
        "alarms",
        [
            "I'm starting swim practice.",
            "Great! Shall I set an alarm for it?",
            "Yes, at 06:10, labelled 'Swim'.",
            "Should it repeat?",
            "Every Tuesday and Thursday.",
        ],
        "set_alarm",
        {"time": "06:10", "label": "Swim", "days": ["tue", "thu"]},
    ),
    (
        "alarms",
        [
            "Which alarms do I have?",
            "Alarm 1 at 06:30 (Workday, on), alarm 2 at 08:00 (Weekend, off) and alarm 3 at "
            "14:00 (Nap, off).",
            "Switch the weekend one on.",
        ],
        "set_alarm_enabled",
        {"alarm_id": 2, "enabled": True},
    ),
    (
        "alarms",
        [
            "I'm on holiday next week!",
            "Lovely! Anything I can do?",
            "Which alarms do I have?",
            "Alarm 1 at 06:30 (Workday, on), alarm 2 at 08:00 (Weekend, off) and alarm 3 at "
            "14:00 (Nap, off).",
            "Turn off the workday alarm so it doesn't wake me.",
        ],
        "set_alarm_enabled",
        {"alarm_id": 1, "enabled": False},
    ),
    # stocks
    (
        "stocks",
        ["What was NWT's closing price on 2024-04-10?"],
        "get_stock_price",
        {"symbol": "NWT", "date": "2024-04-10"},
    ),
    (
        "stocks",
        ["How did Kestrel Air close on 2024-04-15?"],
        "get_stock_price",
        {"symbol": "KSA", "date": "2024-04-15"},
    ),
    (
        "stocks",
        [
            "I bought Bluefin Energy shares on 2024-04-02.",
            "Okay. What would you like to know about them?",
            "By how many percent has the price changed from that day until 2024-04-26?",
        ],
        "get_price_change",
        {"symbol": "BFE", "start_date": "2024-04-02", "end_date": "2024-04-26"},
    ),
    (
        "stocks",
        [
            "Let's talk about TSL.",
            "That's Tessellate Software. What do you need?",
            "Its closing price on 2024-04-19.",
        ],
        "get_stock_price",
        {"symbol": "TSL", "date": "2024-04-19"},
    ),
    (
        "stocks",
        ["What was the percent change of MDF from 2024-04-01 to 2024-04-30?"],
        "get_price_change",
        {"symbol": "MDF", "start_date": "2024-04-01", "end_date": "2024-04-30"},
    ),
    (
        "stocks",
        [
            "My manager asked me about Copperleaf.",
            "Copperleaf Labs, ticker CPL. What does your manager want to know?",
            "How the stock did in the first half of April 2024.",
            "Which two days should I compare?",
            "From 2024-04-01 to 2024-04-15, in percent.",
        ],
        "get_price_change",
        {"symbol": "CPL", "start_date": "2024-04-01", "end_date": "2024-04-15"},
    ),
    # units
    (
        "units",
        ["How many miles is 42.195 km?"],
        "convert_units",
        {"value": 42.195, "from_unit": "km", "to_unit": "mi"},
    ),
    (
        "units",
        ["Convert 350 degrees Fahrenheit to Celsius."],
        "convert_units",
        {"value": 350, "from_unit": "F", "to_unit": "C"},
    ),
    (
        "units",
        [
            "My suitcase weighs 23 kg.",
            "That's a common airline limit. Can I help with anything?",
            "What is that in pounds?",
        ],
        "convert_units",
        {"value": 23, "from_unit": "kg", "to_unit": "lb"},
    ),
    (
        "units",
        [
            "The recipe asks for 2.5 cups of milk.",
            "Would you like that in another unit?",
            "Millilitres, please.",
        ],
        "convert_units",
        {"value": 2.5, "from_unit": "cup", "to_unit": "ml"},
    ),
    (
        "units",
        [
            "I'm reading an American hiking guide.",
            "Fun! Any questions about it?",
            "It says the summit is at 14115 feet.",
            "That's a high peak. Shall I convert it?",
            "Yes, into metres.",
        ],
        "convert_units",
        {"value": 14115, "from_unit": "ft", "to_unit": "m"},
    ),
    (
        "units",
        ["What is 5 US gallons in litres?"],
        "convert_units",
        {"value": 5, "from_unit": "gal", "to_unit": "l"},
    ),
    # dictionary
    (
        "dictionary",
        ["What does 'laconic' mean?"],
        "define_word",
        {"word": "laconic"},
    ),
    (
        "dictionary",
        [
            "My teacher called my essay meticulous.",
            "That sounds like praise!",
            "What does the word mean exactly?",
        ],
        "define_word",
        {"word": "meticulous"},
    ),
    (
        "dictionary",
        ["Give me some synonyms for 'ubiquitous'."],
        "get_synonyms",
        {"word": "ubiquitous"},
    ),
    (
        "dictionary",
        [
            "I use the word 'candid' too often in my writing.",
            "I can suggest alternatives. How many would you like?",
            "Five, please.",
        ],
        "get_synonyms",
        {"word": "candid", "limit": 5},
    ),
    (
        "dictionary",
        [
            "I'm writing a toast for my sister's wedding.",
            "Lovely! How can I help?",
            "I described her as gregarious, but I'm not sure it fits.",
            "Would you like me to look the word up?",
            "Yes, give me its definition.",
        ],
        "define_word",
        {"word": "gregarious"},
    ),
    # email
    (
        "email",
        [
            "Send an email to tom@company.example with the subject 'Slides' and the body "
            "'Here are the slides from today.'"
        ],
        "send_email",
        {
            "to": ["tom@company.example"],
            "subject": "Slides",
            "body": "Here are the slides from today.",
        },
    ),
    (
        "email",
        [
            "I need to email Maya and Priya about lunch.",
            "Sure. What are their addresses?",
            "maya@company.example and priya@company.example.",
            "What should the subject and the message be?",
            "Subject 'Lunch moved', body 'Lunch is moved to 13:00 on Friday.'",
        ],
        "send_email",
        {
            "to": ["maya@company.example", "priya@company.example"],
            "subject": "Lunch moved",
            "body": "Lunch is moved to 13:00 on Friday.",
        },
    ),
    (
        "email",
        [
            "Send an email to hr@company.example with the subject 'Address change' and the "
            "body 'My new address is 12 Elm Street.'",
            "Should I copy anyone?",
            "Yes, cc payroll@company.example.",
        ],
        "send_email",
        {
            "to": ["hr@company.example"],
            "subject": "Address change",
            "body": "My new address is 12 Elm Street.",
            "cc": ["payroll@company.example"],
        },
    ),
    (
        "email",
        [
            "Can you help me write to my landlord?",
            "Of course. What's the address?",
            "rent@flatco.example",
            "What's it about?",
            "The heater is broken.",
            "What subject and text should I use?",
            "Subject 'Broken heater', text 'The heater in the living room stopped working. "
            "Can someone come this week?'",
        ],
        "send_email",
        {
            "to": ["rent@flatco.example"],
            "subject": "Broken heater",
            "body": "The heater in the living room stopped working. Can someone come this week?",
        },
    ),
    (
        "email",
        ["Search my inbox for 'invoice'."],
        "search_inbox",
        {"query": "invoice"},
    ),
    (
        "email",
        [
            "Did Tom reply about the offsite?",
            "I can search your inbox. What should I search for?",
            "Search for 'offsite', unread messages only.",
        ],
        "search_inbox",
        {"query": "offsite", "unread_only": True},
    ),
    # meetings
    (
        "meetings",
        ["Which meeting rooms are free on 2024-05-15 from 09:30 to 10:30?"],
        "find_free_rooms",
        {"date": "2024-05-15", "start": "09:30", "end": "10:30"},
    ),
    (
        "meetings",
        [
            "I need a room for 10 people on 2024-05-16.",
            "What time?",
            "From 14:00 to 15:00. Which rooms are free?",
        ],
        "find_free_rooms",
        {"date": "2024-05-16", "start": "14:00", "end": "15:00", "capacity": 10},
    ),
    (
        "meetings",
        [
            "Book Aurora on 2024-05-15 from 11:00 to 11:30 for ana@company.example and "
            "lee@company.example."
        ],
        "book_meeting_room",
        {
            "room": "Aurora",
            "date": "2024-05-15",
            "start": "11:00",
            "end": "11:30",
            "attendees": ["ana@company.example", "lee@company.example"],
        },
    ),
    (
        "meetings",
        [
            "We need to plan the product launch.",
            "Who should attend?",
            "ana@company.example, lee@company.example and raj@company.example.",
            "When, and do you have a room in mind?",
            "Cedar, on 2024-05-17 from 15:00 to 16:00. Please book it.",
        ],
        "book_meeting_room",
        {
            "room": "Cedar",
            "date": "2024-05-17",
            "start": "15:00",
            "end": "16:00",
            "attendees": ["ana@company.example", "lee@company.example", "raj@company.example"],
        },
    ),
    (
        "meetings",
        [
            "Which rooms are free on 2024-05-16 from 13:30 to 14:30?",
            "Aurora and Cedar are free then.",
            "Book Aurora for kim@company.example and jo@company.example.",
        ],
        "book_meeting_room",
        {
            "room": "Aurora",
            "date": "2024-05-16",
            "start": "13:30",
            "end": "14:30",
            "attendees": ["kim@company.example", "jo@company.example"],
        },
    ),
    (
        "meetings",
        [
            "The all-hands is on 2024-05-15 from 09:00 to 10:00.",
            "Do you need a room for it?",
            "Yes. About 15 people will come. Which rooms are big enough and free?",
        ],
        "find_free_rooms",
        {"date": "2024-05-15", "start": "09:00", "end": "10:00", "capacity": 15},
    ),
    # health
    (
        "health",
        ["How many steps did I walk on 2024-05-09?"],
        "get_health_data",
        {"metric": "steps", "date": "2024-05-09"},
    ),
    (
        "health",
        [
            "I felt really tired on 2024-05-12.",
            "Sorry to hear that. Shall I check your tracker?",
            "Yes. How long did I sleep the night before?",
        ],
        "get_health_data",
        {"metric": "sleep_hours", "date": "2024-05-12"},
    ),
    (
        "health",
        ["What was my average resting heart rate from 2024-05-01 to 2024-05-07?"],
        "get_health_average",
        {"metric": "resting_hr", "start_date": "2024-05-01", "end_date": "2024-05-07"},
    ),
    (
        "health",
        [
            "I'm trying to lose weight.",
            "I can track your progress. Which period?",
            "The first two weeks of May 2024, 2024-05-01 to 2024-05-14.",
            "What would you like to see?",
            "My average weight over that period.",
        ],
        "get_health_average",
        {"metric": "weight_kg", "start_date": "2024-05-01", "end_date": "2024-05-14"},
    ),
    (
        "health",
        [
            "Hi.",
            "Hello! How can I help?",
            "My doctor wants to know how I've been sleeping.",
            "I can pull that from your tracker. For which days?",
            "From 2024-05-08 to 2024-05-21.",
            "Would you like each night, or an average?",
            "The average.",
            "Of your hours of sleep, right?",
            "Yes, exactly.",
        ],
        "get_health_average",
        {"metric": "sleep_hours", "start_date": "2024-05-08", "end_date": "2024-05-21"},
    ),
    # restaurants
    (
        "restaurants",
        ["Book a table for 4 at Casa Lupo on 2024-05-24 at 19:30."],
        "book_table",
        {"restaurant": "Casa Lupo", "date": "2024-05-24", "time": "19:30", "party_size": 4},
    ),
    (
        "restaurants",
        ["Which Italian restaurants are there around here?"],
        "search_restaurants",
        {"cuisine": "italian"},
    ),
    (
        "restaurants",
        [
            "Find me a Japanese restaurant.",
            "Any budget limit? Price levels run from 1 (cheap) to 4 (expensive).",
            "Nothing above 2.",
        ],
        "search_restaurants",
        {"cuisine": "japanese", "max_price": 2},
    ),
    (
        "restaurants",
        [
            "It's our anniversary on 2024-06-07.",
            "Congratulations! Shall I book a restaurant?",
            "Yes: The Salt House, at 20:00.",
            "For two people? And would you like to sit inside or outside?",
            "Two of us, outside on the patio.",
        ],
        "book_table",
        {
            "restaurant": "The Salt House",
            "date": "2024-06-07",
            "time": "20:00",
            "party_size": 2,
            "outdoor": True,
        },
    ),
    (
        "restaurants",
        [
            "Our team dinner is on 2024-05-31.",
            "How many people?",
            "Nine of us.",
            "Which restaurant, and what time?",
            "Golden Lotus at 18:45. Please reserve.",
        ],
        "book_table",
        {"restaurant": "Golden Lotus", "date": "2024-05-31", "time": "18:45", "party_size": 9},
    ),
]


def render(turns: list[str]) -> str:
    """The dialogue as the prompt shows it: the user speaks first and last."""
    if len(turns) % 2 == 0:
        raise ValueError("a dialogue alternates user and AI turns, and ends with the user")
    return "\n".join(f"{'User' if i % 2 == 0 else 'AI'}: {text}" for i, text in enumerate(turns))


def execute(tools: list[Tool], call: Call) -> Any:
    """Run `call` on `tools`: the ground truth of an atomic case."""
    by_name = {t.name: t for t in tools}
    return by_name[call.name](**call.args)


def code_for(call: Call) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in call.args.items())
    return f"print({call.name}({args}))"


def _task(number: int, domain: str, turns: list[str], name: str, args: dict[str, Any]) -> Task:
    make_tools: Callable[[], list[Tool]] = FAMILIES[domain]
    call = Call(name, args)
    answer = execute(make_tools(), call)
    has_list = any(isinstance(v, list) and len(v) > 1 for v in args.values())
    return Task(
        id=f"atomic-{domain}-{number:02d}",
        domain=domain,
        prompt=PROMPT.format(dialogue=render(turns)),
        answer=answer,
        make_tools=make_tools,
        reference=references(make_tools(), [call], code_for(call), answer),
        check=_UNORDERED if has_list else _CHECKS.get(domain, Check()),
        expected_call=call,
    )


def _tasks() -> list[Task]:
    seen: dict[str, int] = {}
    tasks = []
    for domain, turns, name, args in CASES:
        seen[domain] = seen.get(domain, 0) + 1
        tasks.append(_task(seen[domain], domain, turns, name, args))
    return tasks


SUITE = Suite(
    name="atomic",
    description=(
        "API-Bank-style atomic tool calls: from a dialogue and an API's documentation, make the "
        "one correct call (12 API families, our own data and dialogues)."
    ),
    tasks=_tasks(),
    kind="atomic",
)

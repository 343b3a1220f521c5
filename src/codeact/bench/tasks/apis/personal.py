"""The atomic suite's personal APIs: calendar, reminders, alarms, email, meeting rooms and
restaurant bookings, over state built anew by each factory."""

from __future__ import annotations

from typing import Any

from codeact.bench.tasks.apis.checks import _WEEKDAYS, _count, _date, _pick, _span, _strings, _time
from codeact.bench.tasks.apis.records import DATA, RESTAURANTS, ROOMS
from codeact.contracts import Tool
from codeact.tools import tool

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

"""The atomic suite's APIs: twelve small families of tools (calendar, weather, bank, ...) over
in-memory data built anew by each factory, so that a call that changes state (a transfer, a
booking) never leaks into another run. Their starting data are in data/atomic.json
(`records.py`); the argument checks they share are in `checks.py`.
"""

from __future__ import annotations

from codeact.bench.suite import ToolFactory
from codeact.bench.tasks.apis.lookup import (
    bank_tools,
    dictionary_tools,
    health_tools,
    stock_tools,
    unit_tools,
    weather_tools,
)  # fmt: skip
from codeact.bench.tasks.apis.personal import (
    alarm_tools,
    calendar_tools,
    email_tools,
    meeting_tools,
    reminder_tools,
    restaurant_tools,
)  # fmt: skip

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

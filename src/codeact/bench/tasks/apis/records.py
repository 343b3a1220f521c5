"""The starting data of the atomic suite's APIs, from data/atomic.json, validated."""

from __future__ import annotations

from codeact.bench.datafiles import Record, data_file, load_records


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

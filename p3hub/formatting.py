"""How dates, times and time zones read: one function each, for pages and e-mails alike.

A municipality chooses the order its people write dates in (departments.models.DateFormat);
every time is shown in the municipality's zone. The template filters in
p3hub.templatetags.formatting call these, so a page and an e-mail never disagree.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

US, DAY_FIRST, ISO = "us", "day_first", "iso"  # departments.models.DateFormat values

# strftime patterns without the platform-dependent "%-d": the day is formatted by hand.
_DATE = {US: "{mon} {day}, {year}", DAY_FIRST: "{day} {mon} {year}", ISO: "{iso}"}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# What people call the zones cities are most often in; any other zone reads as its
# abbreviation at the time shown (CET, AEST), or its IANA name when it has none.
ZONE_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Indiana/Indianapolis": "Eastern Time",
    "America/Toronto": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Winnipeg": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Boise": "Mountain Time",
    "America/Edmonton": "Mountain Time",
    "America/Phoenix": "Mountain Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Vancouver": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Halifax": "Atlantic Time",
    "America/Puerto_Rico": "Atlantic Time",
    "Europe/London": "UK time",
    "Europe/Dublin": "Irish time",
    "Europe/Paris": "Central European Time",
    "Europe/Berlin": "Central European Time",
    "Europe/Madrid": "Central European Time",
    "Europe/Rome": "Central European Time",
    "Europe/Amsterdam": "Central European Time",
    "Europe/Brussels": "Central European Time",
    "Europe/Vienna": "Central European Time",
    "Europe/Warsaw": "Central European Time",
    "Europe/Athens": "Eastern European Time",
    "Europe/Helsinki": "Eastern European Time",
    "Australia/Sydney": "Australian Eastern Time",
    "Australia/Melbourne": "Australian Eastern Time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}


def _place(municipality):
    """A municipality, or whatever belongs to one (a TenantActor, a solicitation): templates
    pass what they have."""
    if municipality is None or hasattr(municipality, "time_zone"):
        return municipality
    return getattr(municipality, "municipality", None)


def _zone_of(municipality) -> zoneinfo.ZoneInfo:
    municipality = _place(municipality)
    return zoneinfo.ZoneInfo(municipality.time_zone) if municipality is not None else dt.UTC


def _date_format_of(municipality) -> str:
    return getattr(_place(municipality), "date_format", None) or US


def _date_part(day: dt.date, date_format: str) -> str:
    pattern = _DATE.get(date_format, _DATE[US])
    return pattern.format(
        mon=_MONTHS[day.month - 1], day=day.day, year=day.year, iso=day.isoformat()
    )


def _time_part(moment: dt.datetime, date_format: str, *, seconds: bool) -> str:
    if date_format == US:
        hour = moment.hour % 12 or 12
        clock = f"{hour}:{moment.minute:02d}" + (f":{moment.second:02d}" if seconds else "")
        return f"{clock} {'AM' if moment.hour < 12 else 'PM'}"
    return moment.strftime("%H:%M:%S" if seconds else "%H:%M")


def local_time(moment: dt.datetime, municipality) -> dt.datetime:
    """`moment` (aware, stored UTC) in the municipality's zone."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    try:
        return moment.astimezone(_zone_of(municipality))
    except OverflowError:  # the calendar's very first or last hours: shown as stored, in UTC
        return moment.astimezone(dt.UTC)


def format_date(value: dt.date | dt.datetime | None, municipality) -> str:
    """A day as the municipality writes it: "Dec 2, 2026", "2 Dec 2026" or "2026-12-02".
    A datetime is first moved into the municipality's zone. Nothing reads as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_time(value, municipality).date()
    return _date_part(value, _date_format_of(municipality))


def format_datetime(
    value: dt.datetime | None, municipality, *, seconds: bool = False, zone: bool = False
) -> str:
    """A moment in the municipality's zone and date format: "Dec 2, 2026, 9:00 AM" (us),
    "2 Dec 2026, 09:00" (day_first), "2026-12-02 09:00" (iso); with `zone`, the zone's
    abbreviation after it ("9:00 AM CST"). Nothing reads as ""."""
    if value is None:
        return ""
    moment = local_time(value, municipality)
    date_format = _date_format_of(municipality)
    separator = " " if date_format == ISO else ", "
    text = _date_part(moment.date(), date_format) + separator
    text += _time_part(moment, date_format, seconds=seconds)
    return f"{text} {moment.tzname()}" if zone else text


def zone_name(time_zone: str, at: dt.datetime | None = None) -> str:
    """The zone as people say it: "Central Time" for America/Chicago. Zones outside the
    table read as their abbreviation at `at` (default now), e.g. "CET"; when a zone has none
    (it prints an offset such as "+03"), its IANA name."""
    if time_zone in ZONE_NAMES:
        return ZONE_NAMES[time_zone]
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return time_zone
    abbreviation = (at or timezone.now()).astimezone(zone).tzname() or ""
    return abbreviation if abbreviation[:1].isalpha() else time_zone


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def time_left(due: dt.datetime | None, now: dt.datetime, *, closed: str = "Bidding closed") -> str:
    """How long until `due`, by `now` (the database clock's, never the browser's), in the
    two largest units: "2 days 3 hours left", "5 hours 12 minutes left", "12 minutes left";
    `closed` once it has passed; "" without a deadline. Rounded down, so it never promises
    more time than there is."""
    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    if seconds <= 0:
        return closed
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        parts = [_count(days, "day")] + ([_count(hours, "hour")] if hours else [])
    elif hours:
        parts = [_count(hours, "hour")] + ([_count(minutes, "minute")] if minutes else [])
    elif minutes:
        parts = [_count(minutes, "minute")]
    else:
        return "Less than a minute left"
    return " ".join(parts) + " left"

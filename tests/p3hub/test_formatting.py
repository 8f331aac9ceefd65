"""Dates, times and zones as a municipality writes them (p3hub.formatting): one function
used by pages and e-mails, and the template filters that call it."""

import datetime as dt

import pytest
from django.template import Context, Template

from departments.models import DateFormat, Municipality
from p3hub.formatting import format_date, format_datetime, zone_name

# 15:00 UTC on 2 Dec 2026 is 9:00 in Chicago (CST, UTC-6).
MOMENT = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


def city(date_format=DateFormat.US, time_zone="America/Chicago") -> Municipality:
    return Municipality(slug="x", name="X", time_zone=time_zone, date_format=date_format)


@pytest.mark.parametrize(
    ("date_format", "moment", "day"),
    [
        (DateFormat.US, "Dec 2, 2026, 9:00 AM", "Dec 2, 2026"),
        (DateFormat.DAY_FIRST, "2 Dec 2026, 09:00", "2 Dec 2026"),
        (DateFormat.ISO, "2026-12-02 09:00", "2026-12-02"),
    ],
)
def test_each_date_format_reads_in_the_municipalitys_zone(date_format, moment, day):
    assert format_datetime(MOMENT, city(date_format)) == moment
    assert format_date(MOMENT, city(date_format)) == day


def test_us_times_use_twelve_hours_and_the_zone_and_seconds_on_request():
    evening = MOMENT + dt.timedelta(hours=9, minutes=5, seconds=7)  # 18:05:07 in Chicago
    assert format_datetime(evening, city()) == "Dec 2, 2026, 6:05 PM"
    assert (
        format_datetime(evening, city(), seconds=True, zone=True) == "Dec 2, 2026, 6:05:07 PM CST"
    )
    midnight = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)
    assert format_datetime(midnight, city()) == "Dec 2, 2026, 12:00 AM"


def test_a_time_near_midnight_lands_on_the_local_day():
    late = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)  # 21:00 on 2 Dec in Chicago
    assert format_date(late, city(DateFormat.ISO)) == "2026-12-02"


def test_nothing_reads_as_empty():
    assert format_datetime(None, city()) == "" and format_date(None, city()) == ""


@pytest.mark.parametrize(
    ("time_zone", "name"),
    [
        ("America/Chicago", "Central Time"),
        ("America/New_York", "Eastern Time"),
        ("America/Los_Angeles", "Pacific Time"),
        ("Europe/Paris", "Central European Time"),
        ("Asia/Tokyo", "JST"),  # not in the table: its abbreviation
        ("Asia/Dubai", "Asia/Dubai"),  # an offset ("+04") says nothing: the IANA name
    ],
)
def test_zones_read_as_people_say_them(time_zone, name):
    assert zone_name(time_zone, MOMENT) == name


def test_the_template_filters_use_the_same_functions():
    template = Template(
        "{{ moment|when:city }}|{{ moment|when_zoned:city }}|{{ moment|day:city }}|"
        "{{ city|zone_name }}|{{ amount|money:'USD' }}|{{ amount|money:'EUR' }}"
    )
    shown = template.render(Context({"moment": MOMENT, "city": city(), "amount": 250_000}))
    assert shown == (
        "Dec 2, 2026, 9:00 AM|Dec 2, 2026, 9:00 AM CST|Dec 2, 2026|Central Time|"
        "$2,500.00|EUR 2,500.00"
    )


@pytest.mark.django_db
def test_e_mails_write_dates_as_the_pages_do(personas):
    from departments import services
    from departments.tenancy import tenant_actor_for
    from p3hub.models import OutboundEmail

    riverton = Municipality.objects.get(slug="riverton")
    Municipality.objects.filter(pk=riverton.pk).update(date_format=DateFormat.DAY_FIRST)
    actor = tenant_actor_for(personas["admin"], "riverton")
    invitation = services.invitation_send(
        actor=actor, email="new@riverton.example", role="member", department="TRN"
    )
    riverton.refresh_from_db()
    mail = OutboundEmail.objects.latest("pk")  # the invitation just sent
    assert format_datetime(invitation.expires_at, riverton, zone=True) in mail.body


def test_the_calendars_edges_read_in_utc_rather_than_fail():
    first = dt.datetime.min.replace(tzinfo=dt.UTC)  # Chicago's would be before year 1
    assert format_datetime(first, city(DateFormat.ISO), zone=True) == "0001-01-01 00:00 UTC"

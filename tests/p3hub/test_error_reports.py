"""Error reports (the debug page, the e-mail to ADMINS) never show a bid's posted prices: on
the portal's and the vendor API's bid URLs every posted parameter is hidden (DESIGN.md 11)."""

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

PRICE = "987654.32"


def report_of(path: str, data: dict) -> str:
    request = RequestFactory().post(path, data)
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        reporter = ExceptionReporter(request, type(error), error, error.__traceback__)
        return reporter.get_traceback_text()


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/bids/7/prices/",
        "/vendor/solicitations/riverton/RIV-2026-0001/bid/",
        "/api/v1/vendor/bids/7/",
        "/vendor/receipts/RIV-2026-0001-00007-01/",
    ],
)
def test_a_bids_posted_prices_never_reach_an_error_report(path):
    report = report_of(path, {"price_1": PRICE, "declared_name": "Avery Acme"})
    assert PRICE not in report and "Avery Acme" not in report
    assert "price_1" in report  # the names stay: what was posted, not its values


def test_other_pages_keep_djangos_own_rules():
    report = report_of("/riverton/manage/solicitations/", {"title": "Cameras"})
    assert "Cameras" in report


def test_it_is_the_default_filter():
    assert type(get_default_exception_reporter_filter()).__name__ == "SealedBidReporterFilter"

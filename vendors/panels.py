"""What vendors adds to other apps' pages (settings.PAGE_PANELS): on the home page, how a
company registers (for anyone who is not signed in)."""

from departments.views.base import Panel


def home_register(view) -> Panel | None:
    if view.request.user.is_authenticated:
        return None
    return Panel("vendors/panels/home_register.html", {})

"""Throttles that hold across every web process, and the one reading of a request's client
address they key on.

Counts live in Django's default cache, which settings make one store for all processes: Redis
in the services mode, a table of the database in the embedded mode (a per-process cache would
let each gunicorn worker count alone). A count covers a window that starts with its first hit
(`10/15min`: ten in the quarter of an hour from the first) and is raised before the work it
guards, so two requests racing on two servers cannot both take the last slot.
"""

import hashlib
import ipaddress
import math
import re
import time
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """`10/15min`, `20/minute`, `5/hour`, `100/d` (settings.envrate checked the form)."""
        count, _, period = text.replace(" ", "").partition("/")
        match = re.fullmatch(r"(\d*)([a-z]+)", period)
        if not match or not count.isdigit():
            raise ValueError(f"not a rate: {text!r}")
        return cls(int(count), int(match.group(1) or 1) * UNIT_SECONDS[match.group(2)[0]])


# --- who is asking -------------------------------------------------------------------------


def client_address(request) -> str:
    """The address of the client that sent `request`: with NUM_PROXIES = 0, the peer of the
    connection (REMOTE_ADDR), whatever X-Forwarded-For says, since the client writes that
    header itself; behind N trusted proxies, the entry the outermost proxy appended, the N-th
    from the right (entries left of it are the client's own words)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if not forwarded:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-min(proxies, len(forwarded))]))
    except ValueError:  # a proxy that forwards garbage: count the proxy, never the garbage
        return remote


def address_key(address: str) -> str:
    """What an address is counted as: an IPv6 client owns its whole /64 (one host may pick
    any of its 2**64 addresses), an IPv4 client its own address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is that IPv4 client
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def username_key(username) -> str:
    """One count per account however the name is typed: case, spacing and Unicode forms
    aside (usernames are unique whatever their case: the User model's constraint)."""
    return unicodedata.normalize("NFKC", str(username or "")).strip().casefold()


# --- counting ------------------------------------------------------------------------------


def _cache():
    return caches["default"]


def _counting():
    """Redis counts atomically by itself. The database cache's incr is a read and a write: in
    a transaction of their own they run alone on SQLite, whose transactions here take the
    write lock first (settings: IMMEDIATE). Inside an outer transaction this is a savepoint,
    which a web request is not in."""
    return transaction.atomic() if isinstance(_cache(), DatabaseCache) else nullcontext()


def now() -> float:
    """The throttles' clock (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class Throttle:
    """A count per key (an address, an account) in windows of the rate named by a setting
    (read on every use, so that tests and operators can change it). A window starts with the
    key's first hit and the cache forgets the key when it ends, so no wall-clock boundary lets
    a burst through twice."""

    scope: str
    setting: str

    @property
    def rate(self) -> Rate:
        return Rate.parse(getattr(settings, self.setting))

    def _key(self, ident: str) -> str:
        digest = hashlib.sha256(ident.encode()).hexdigest()[:40]
        return f"throttle:{self.scope}:{digest}"

    def _window_start(self, key: str, at: float, seconds: int) -> float:
        """When the window of `key` began: at its first hit. One that began longer ago (the
        cache forgets it in real time; only a clock moved by a test gets here) is over."""
        cache = _cache()
        cache.add(f"{key}:start", at, timeout=seconds)
        start = cache.get(f"{key}:start", at)
        if at - start >= seconds:
            cache.delete_many([key, f"{key}:start"])
            cache.add(f"{key}:start", at, timeout=seconds)
            start = at
        return start

    def hit(self, ident: str) -> "Hit":
        """Count one more for `ident`; the Hit says whether it was over the limit."""
        rate, key, at = self.rate, self._key(ident), now()
        with _counting():
            start = self._window_start(key, at, rate.seconds)
            _cache().add(key, 0, timeout=rate.seconds)
            try:
                count = _cache().incr(key)
            except ValueError:  # the window ended between add and incr
                _cache().add(key, 1, timeout=rate.seconds)
                count = 1
        wait = max(1, math.ceil(start + rate.seconds - at))
        return Hit(key=key, over=count > rate.limit, wait=wait)

    def reset(self, ident: str) -> None:
        key = self._key(ident)
        _cache().delete_many([key, f"{key}:start"])


@dataclass(frozen=True)
class Hit:
    key: str
    over: bool
    wait: int  # seconds until the window ends

    def undo(self) -> None:
        """Take the count back (an attempt that turned out not to be one of those counted)."""
        try:
            with _counting():
                _cache().decr(self.key)
        except ValueError:  # its window ended meanwhile
            pass


def minutes(seconds: int) -> str:
    count = max(1, math.ceil(seconds / 60))
    return f"{count} minute" if count == 1 else f"{count} minutes"


# --- sign-in -------------------------------------------------------------------------------

LOGIN_ACCOUNT = Throttle("login-account", "LOGIN_THROTTLE_ACCOUNT")
LOGIN_ADDRESS = Throttle("login-address", "LOGIN_THROTTLE_ADDRESS")


def _wait(*hits: Hit) -> int:
    return max((hit.wait for hit in hits if hit.over), default=0)


@dataclass(frozen=True)
class LoginAttempt:
    """One sign-in attempt, counted against the username and the client address before the
    password is checked. `wait` > 0: refused, however right the password."""

    username: str
    account: Hit
    address: Hit

    @property
    def wait(self) -> int:
        return _wait(self.account, self.address)

    def succeeded(self) -> None:
        """The password was right: the account's failures are forgiven, and the address gets
        its slot back (a city hall behind one address signs in all day; failures count)."""
        LOGIN_ACCOUNT.reset(self.username)
        self.address.undo()


def login_attempt(request, username) -> LoginAttempt:
    name = username_key(username)
    return LoginAttempt(
        username=name,
        account=LOGIN_ACCOUNT.hit(name),
        address=LOGIN_ADDRESS.hit(address_key(client_address(request))),
    )


LOGIN_THROTTLED = (
    "Too many failed sign-ins with this username or from your network. Try again in {minutes}."
)


def login_throttled_message(wait: int) -> str:
    """The same words whether or not the username exists: the counts never ask."""
    return LOGIN_THROTTLED.format(minutes=minutes(wait))


# --- the token endpoint --------------------------------------------------------------------

TOKEN_REQUESTS = Throttle("token", "TOKEN_THROTTLE")


# --- password reset ------------------------------------------------------------------------

RESET_ADDRESS = Throttle("reset-address", "PASSWORD_RESET_THROTTLE")
RESET_EMAIL = Throttle("reset-email", "PASSWORD_RESET_THROTTLE")

RESET_THROTTLED = (
    "Too many password reset requests for this e-mail address or from your network. "
    "Try again in {minutes}."
)


def password_reset_wait(request, email: str) -> int:
    """Count a reset request against the client address and the address typed (known or
    not: the same count either way); seconds to wait if over either limit, else 0."""
    return _wait(
        RESET_ADDRESS.hit(address_key(client_address(request))),
        RESET_EMAIL.hit(username_key(email)),
    )


def password_reset_throttled_message(wait: int) -> str:
    return RESET_THROTTLED.format(minutes=minutes(wait))


# --- vendor registration -------------------------------------------------------------------

REGISTRATION_ADDRESS = Throttle("vendor-registration", "VENDOR_REGISTRATION_THROTTLE")
REGISTRATION_THROTTLED = "Too many registrations from your network. Try again in {minutes}."


def registration_wait(request) -> int:
    """Count a company registration tried (page or API) against the client address; seconds
    to wait if over the limit, else 0."""
    return _wait(REGISTRATION_ADDRESS.hit(address_key(client_address(request))))


def registration_throttled_message(wait: int) -> str:
    return REGISTRATION_THROTTLED.format(minutes=minutes(wait))


# --- contract verification -----------------------------------------------------------------

VERIFY_ADDRESS = Throttle("contract-verify", "CONTRACT_VERIFY_THROTTLE")
VERIFY_THROTTLED = "Too many verifications from your network. Try again in {minutes}."


def verification_wait(request) -> int:
    """Count a contract verification (page or API) against the client address; seconds to
    wait if over the limit, else 0."""
    return _wait(VERIFY_ADDRESS.hit(address_key(client_address(request))))


def verification_throttled_message(wait: int) -> str:
    return VERIFY_THROTTLED.format(minutes=minutes(wait))

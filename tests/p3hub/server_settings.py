"""Settings of the servers that tests/p3hub/test_throttle_processes.py starts: the project's
own, with the suite's fast password hasher (tests/conftest.py hashes the personas' passwords
with it), and for the control run the per-process cache the throttles must never count in."""

import os

from p3hub.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("P3HUB_TEST_PER_PROCESS_CACHE") == "true":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

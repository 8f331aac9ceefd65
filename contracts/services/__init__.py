"""Every write of the contracts app (STYLE.md 2): one function per use case."""

from contracts.services.contracts import *  # noqa: F403
from contracts.services.documents import *  # noqa: F403
from contracts.services.signatures import *  # noqa: F403

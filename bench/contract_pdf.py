"""What signing costs a contract PDF, and whether rendering leaks (issue 13, DESIGN.md 7).

The demo's executed contract (contracts/pdf/contract.html: the parties, the awarded lines, the
schedule of two departments over a one-time part and five years with year 1 in kind, the
terms, the signature block, "page N of M" in the @page footer; three pages) is rendered and
signed as the render task does (contracts.pdf.render_pdf, then sign_pdf: PAdES B-B with the
platform's key), against WeasyPrint rendering the same HTML alone with its defaults.
Target: at most 1.3x. Then 100 more render+sign runs after a warm-up, and the growth of the
process's resident memory over them. Target: under 10%. (WeasyPrint 70 left about 0.2 MiB of
native font memory behind per document, +16% over 100 runs, until render_pdf kept one font
configuration per thread.)

The demo is seeded in a transaction rolled back once its contract's HTML is read; the signing
pair and the files it stores are a throwaway folder's (var/ is untouched).
"""

import gc
import io
import tempfile
import time
from pathlib import Path
from statistics import median

import weasyprint
from django.test import override_settings
from pyhanko.pdf_utils.reader import PdfFileReader

from contracts.pdf import render_pdf, sign_pdf

ROUNDS = 10
WARM_UP = 10
RUNS = 100
TARGET_RATIO = 1.3
TARGET_GROWTH = 0.10


def _demo_contract_html() -> str:
    """The HTML the render task prints for the demo's executed contract."""
    from django.core.management import call_command
    from django.db import transaction

    from contracts.models import Contract
    from contracts.services import contract_html

    with transaction.atomic():
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        html = contract_html(Contract.objects.get(municipality__slug="riverton"))
        transaction.set_rollback(True)
    return html


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _render_and_sign(html: str) -> bytes:
    return sign_pdf(render_pdf(html), reason="Executed contract of record", location="Riverton")


def _pages(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def _times(html: str) -> tuple[list[float], list[float], list[float]]:
    """Render + sign, WeasyPrint alone and signing alone, taking turns so that a busy spell
    weighs on each."""
    unsigned = render_pdf(html)
    work = {
        "ours": lambda: _render_and_sign(html),
        "alone": lambda: weasyprint.HTML(string=html).write_pdf(),
        "sign": lambda: sign_pdf(unsigned, reason="Executed contract", location="Riverton"),
    }
    for run_once in work.values():  # warm-up: fonts, the signer
        run_once()
    times = {name: [] for name in work}
    for _ in range(ROUNDS):
        for name, run_once in work.items():
            times[name].append(_timed(run_once))
    return times["ours"], times["alone"], times["sign"]


def _growth(html: str) -> tuple[float, int]:
    """RSS growth over RUNS render + sign runs after WARM_UP, and the RSS before (KiB)."""
    for _ in range(WARM_UP):
        _render_and_sign(html)
    gc.collect()
    before = _rss_kib()
    for _ in range(RUNS):
        _render_and_sign(html)
    gc.collect()
    return (_rss_kib() - before) / before, before


def _measure(html: str) -> str:
    signed = _render_and_sign(html)
    ours, alone, sign = _times(html)
    ratio = median(ours) / median(alone)
    growth, before = _growth(html)
    return (
        f"contract pdf: render + sign {ratio:.2f} x WeasyPrint alone (target <= "
        f"{TARGET_RATIO:g}: {'met' if ratio <= TARGET_RATIO else 'MISSED'}; "
        f"{median(ours) * 1000:.0f} ms against {median(alone) * 1000:.0f} ms, signing "
        f"{median(sign) * 1000:.0f} ms of it, median of {ROUNDS}; {_pages(signed)} pages, "
        f"{len(signed) // 1024} KiB signed); memory +{growth:.1%} RSS over {RUNS} runs after "
        f"{WARM_UP} (target < {TARGET_GROWTH:.0%}: "
        f"{'met' if growth < TARGET_GROWTH else 'MISSED'}; {before // 1024} MiB before)"
    )


def run() -> str:
    with tempfile.TemporaryDirectory() as folder:
        pair = {
            "SIGNING_KEY_FILE": Path(folder) / "key.pem",
            "SIGNING_CERT_FILE": Path(folder) / "cert.pem",
            "SIGNING_KEY_PASSPHRASE": None,
            "MEDIA_ROOT": Path(folder) / "media",
        }
        with override_settings(**pair):
            return _measure(_demo_contract_html())

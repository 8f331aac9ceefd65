"""What a cost-split preview costs as a solicitation grows (issue 4).

`compute_split` (the engine behind the preview, the proposal and the publish check) runs for
100 departments over 1,000 line items (1x) and over 10,000 (10x), for every method. The work is
one allocation per line over every department, so the ideal ratio time(10x)/time(1x) is 10;
much more would mean something quadratic. Pure Python, no database: the preview's queries are
a constant few, whatever the size.
"""

import time
from decimal import Decimal
from statistics import median

from procurements import allocation
from procurements.allocation import BasisLine, compute_split

DEPARTMENTS = [f"D{index:03d}" for index in range(100)]
SIZES = (1_000, 10_000)
REPEATS = 3


def _lines(count: int) -> list[BasisLine]:
    # Deterministic, varied prices so remainders (and the tie-break) actually do work.
    return [
        BasisLine(
            id=index + 1,
            description=f"Item {index + 1}",
            quantity=Decimal(100),
            unit_price_minor=10_000 + (index * 7_919) % 1_000_003,
        )
        for index in range(count)
    ]


def _inputs(method: str, lines: list[BasisLine]) -> dict:
    """Valid inputs of `method`: every department a share of everything (the worst case)."""
    if method == allocation.PERCENTAGE:
        return {"percentages": dict.fromkeys(DEPARTMENTS, "1")}
    if method == allocation.FIXED:
        total = sum(line.amount_minor for line in lines)
        share, rest = divmod(total, len(DEPARTMENTS))
        amounts = dict.fromkeys(DEPARTMENTS, share)
        amounts[DEPARTMENTS[0]] += rest
        return {"amounts": amounts}
    if method == allocation.LINE_ITEM:
        # Each line to four departments, 25% each; the other 96 take nothing of it.
        return {
            "lines": {
                str(line.id): {DEPARTMENTS[(line.id + k * 25) % 100]: "25" for k in range(4)}
                for line in lines
            }
        }
    return {"quantities": {str(line.id): dict.fromkeys(DEPARTMENTS, "1") for line in lines}}


def _time(method: str, count: int) -> float:
    lines = _lines(count)
    inputs = _inputs(method, lines)
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = compute_split(method=method, lines=lines, departments=DEPARTMENTS, inputs=inputs)
        runs.append(time.perf_counter() - started)
    if not allocation.result_adds_up(result.as_json()):
        raise AssertionError(f"{method}: the benchmark's split does not add up")
    return median(runs)


def run() -> str:
    rows, ones, tens = [], 0.0, 0.0
    for method in allocation.METHODS:
        one, ten = (_time(method, count) for count in SIZES)
        ones, tens = ones + one, tens + ten
        rows.append(f"  {method}: {ten / one:.1f} (1x={one:.2f}s, 10x={ten:.2f}s)")
    return "\n".join(
        [
            f"split preview 100 depts: time(10x)/time(1x) = {tens / ones:.1f} "
            f"(ideal ~10; 1x={ones:.2f}s, 10x={tens:.2f}s, all four methods)",
            *rows,
        ]
    )

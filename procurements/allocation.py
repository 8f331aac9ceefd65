"""The allocation engine behind every cost split (DESIGN.md 6): pure functions, no database,
no floats. Amounts here are minor units (ints); services parse what people typed first.

Every method ends in the same shape: a matrix line x department in minor units whose rows add
up to each line's amount (less its in-kind part) and whose columns add up to each department's
payable total, both exactly. Ties are broken by department code (p3hub.money.allocate).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache, partial
from typing import TypeVar

from p3hub.money import allocate

T = TypeVar("T")

PERCENTAGE, FIXED, LINE_ITEM, QUANTITY = "percentage", "fixed", "line_item", "quantity"
METHODS = (PERCENTAGE, FIXED, LINE_ITEM, QUANTITY)
MAX_PERCENT_PLACES = 4
PERCENT_UNITS = 100 * 10**MAX_PERCENT_PLACES  # 100% in ten-thousandths of a percent
MAX_QUANTITY_PLACES = 3  # as LineItem.quantity
_MAX_PLACES = 30  # beyond any real input; bounds the work a "1E-999999999" could cause
# What a version's BigIntegerField holds with room to spare (10**17 cents: a trillion dollars).
MAX_TOTAL_MINOR = 10**17


class SplitError(ValueError):
    """An input that cannot make a split; `field` is the path of the offending value.
    `amounts` (given, expected), in minor units, lets a caller say it in the currency."""

    def __init__(self, message: str, *, field: str, amounts: tuple[int, int] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.amounts = amounts


class SplitErrors(SplitError):
    """Several inputs at fault at once (each a SplitError), so a form marks every one; the
    first stands for the whole where one message is shown."""

    def __init__(self, errors: list[SplitError]):
        first = errors[0]
        super().__init__(first.message, field=first.field, amounts=first.amounts)
        self.errors = errors


def _gather(parsers: Mapping[object, Callable[[], T]]) -> dict:
    """Run every parser, even after one failed: the values by key, or SplitErrors naming
    each failure (a single failure as itself)."""
    values, failed = {}, []
    for key, parse in parsers.items():
        try:
            values[key] = parse()
        except SplitErrors as error:
            failed.extend(error.errors)
        except SplitError as error:
            failed.append(error)
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise SplitErrors(failed)
    return values


@dataclass(frozen=True)
class BasisLine:
    """A line item as the split sees it (a snapshot, so a version never changes under it)."""

    id: int
    description: str
    quantity: Decimal
    unit_price_minor: int

    @property
    def amount_minor(self) -> int:
        return line_amount_minor(self.quantity, self.unit_price_minor)


def line_amount_minor(quantity: Decimal, unit_price_minor: int) -> int:
    """Quantity times unit price, rounded half up (away from zero) to a whole minor unit.

    Exact whatever the size: Decimal multiplication would round to the context's precision
    (28 digits) first, and 99,999,999,999.999 units at 10**15 cents has 29.
    """
    if quantity == quantity.to_integral_value():  # whole units (most lines): exact as is
        return int(quantity) * unit_price_minor
    exact = Fraction(quantity) * unit_price_minor
    magnitude = abs(exact)
    rounded = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    return -rounded if exact < 0 else rounded


@dataclass(frozen=True)
class SplitResult:
    total_minor: int
    in_kind_minor: int
    lines: tuple[dict, ...]  # {"line": id, "amount": int, "in_kind": int, "shares": {code: int}}
    departments: dict[str, int]  # code -> payable total

    @property
    def payable_minor(self) -> int:
        return self.total_minor - self.in_kind_minor

    def as_json(self) -> dict:
        return {
            "total_minor": self.total_minor,
            "in_kind_minor": self.in_kind_minor,
            "payable_minor": self.payable_minor,
            "departments": dict(self.departments),
            "lines": [dict(line) for line in self.lines],
        }


def compute_split(
    *,
    method: str,
    lines: Sequence[BasisLine],
    departments: Sequence[str],
    inputs: Mapping,
    in_kind_minor: int = 0,
) -> SplitResult:
    """Allocate the lines' total among `departments` by `method`; raise SplitError naming the
    field at fault. `inputs` holds the method's parameters (see the `_*_matrix` functions)."""
    if method not in METHODS:
        raise SplitError(f"Unknown method “{method}”.", field="method")
    if not departments:
        raise SplitError("A split needs at least one participating department.", field="shares")
    if not lines:
        raise SplitError("Add at least one line item before splitting the cost.", field="lines")
    if not isinstance(inputs, Mapping):
        raise SplitError("Give the split's parameters as an object.", field="inputs")
    amounts = [line.amount_minor for line in lines]
    total = sum(amounts)
    if total > MAX_TOTAL_MINOR:
        raise SplitError("The line items' total is too large to split.", field="lines")
    in_kind = _in_kind(in_kind_minor, total)
    in_kind_by_line = _spread(in_kind, {str(i): a for i, a in enumerate(amounts)}, len(lines))
    net = [amount - part for amount, part in zip(amounts, in_kind_by_line, strict=True)]
    # Code order throughout: the result, and which department an error names, must not
    # depend on the order departments were listed in.
    matrix = _MATRIX[method](lines, net, sorted(departments), inputs, total - in_kind)
    columns = {code: sum(row[code] for row in matrix) for code in sorted(departments)}
    rows = tuple(
        {"line": line.id, "amount": amount, "in_kind": part, "shares": row}
        for line, amount, part, row in zip(lines, amounts, in_kind_by_line, matrix, strict=True)
    )
    return SplitResult(total, in_kind, rows, columns)


def _in_kind(in_kind_minor: int, total: int) -> int:
    if isinstance(in_kind_minor, bool) or not isinstance(in_kind_minor, int):
        raise SplitError("Enter the in-kind amount as money.", field="in_kind_amount")
    if not 0 <= in_kind_minor <= total:
        raise SplitError(
            "The in-kind contribution must be between zero and the estimated total.",
            field="in_kind_amount",
        )
    return in_kind_minor


def _spread(amount: int, weights: dict[str, int], count: int) -> list[int]:
    """`amount` spread over `count` positions in proportion to `weights` (keyed "0".."n-1")."""
    if amount == 0:
        return [0] * count
    parts = allocate(amount, {_index_key(int(k)): w for k, w in weights.items()})
    return [parts[_index_key(i)] for i in range(count)]


def _index_key(index: int) -> str:
    # Zero-padded so the key order (the tie-break) is the line order.
    return f"{index:09d}"


def _fill(net: list[int], columns: dict[str, int]) -> list[dict[str, int]]:
    """A matrix with row sums `net` and column sums `columns` (which must add up to the same).

    Each line takes its amount in proportion to what every department still owes; that never
    exceeds what is owed (each part is the floor or ceiling of amount * owed / total owed, and
    amount <= total owed), and the last line takes exactly the rest.
    """
    remaining = dict(columns)
    rows = []
    for amount in net:
        row = (
            allocate(amount, remaining) if any(remaining.values()) else dict.fromkeys(remaining, 0)
        )
        for code, part in row.items():
            remaining[code] -= part
        rows.append(row)
    return rows


def _units(value, places: int, field: str) -> int:
    """A non-negative number given as int, str or Decimal, in whole units of 10**-places
    (cents: 0, ten-thousandths of a percent: 4, thousandths of a unit: 3); SplitError naming
    `field` otherwise. Floats and bools are refused: a float has already lost the typed value
    (invariant 6)."""
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise SplitError("Enter a number.", field=field)
    if isinstance(value, Decimal) and not value.is_finite():
        raise SplitError("Enter a number of zero or more.", field=field)  # NaN cannot be hashed
    parsed = _parse_units(type(value), value, places)
    if isinstance(parsed, str):
        raise SplitError(parsed, field=field)
    return parsed


@lru_cache(maxsize=4096)
def _parse_units(kind: type, value, places: int) -> int | str:
    """`_units` without the field, memoised: a large split repeats a handful of values ("50",
    "25", "1") thousands of times. `kind` is in the key so True never hits 1's entry. Exact
    (as_integer_ratio), so no decimal context can round it; returns the message on failure."""
    try:
        number = Decimal(value.strip() if kind is str else value)
    except InvalidOperation:
        return "Enter a number."
    if not number.is_finite() or number < 0:
        return "Enter a number of zero or more."
    if number > MAX_TOTAL_MINOR:  # a fixed amount may be as large as any total
        return "That number is too large."
    if number.as_tuple().exponent < -_MAX_PLACES:  # before as_integer_ratio builds 10**huge
        return "Too many decimal places."
    numerator, denominator = number.as_integer_ratio()
    whole, rest = divmod(numerator * 10**places, denominator)
    if rest:
        return "Use no decimal places." if places == 0 else f"At most {places} decimal places."
    return whole


def _shown(units: int, places: int) -> Decimal:
    return Decimal(units).scaleb(-places)


def _reject_unknown(values: Mapping, departments: list[str], field: str) -> None:
    unknown = sorted(set(map(str, values)) - set(departments))
    if unknown:
        raise SplitError(f"{unknown[0]} is not a participating department.", field=field)


def _per_department(values, departments: list[str], field: str, places: int) -> dict[str, int]:
    """One number per participating department (no more, no fewer), in units of 10**-places."""
    if not isinstance(values, Mapping):
        raise SplitError("Give one value per department.", field=field)
    _reject_unknown(values, departments, field)
    missing = [code for code in departments if code not in values]
    if missing:
        raise SplitError(f"Give a value for {missing[0]}.", field=f"{field}.{missing[0]}")
    return _gather(
        {code: partial(_units, values[code], places, f"{field}.{code}") for code in departments}
    )


def _check_percent_total(units: dict[str, int], field: str) -> dict[str, int]:
    """Percentages in ten-thousandths must total exactly 100, not 99.9999 rounded up."""
    total = sum(units.values())
    if total != PERCENT_UNITS:
        shown = _shown(total, MAX_PERCENT_PLACES)
        raise SplitError(f"Percentages total {shown}, not exactly 100.", field=field)
    return units


def _percentage_matrix(lines, net, departments, inputs, payable):
    units = _per_department(inputs.get("percentages"), departments, "percentages", 4)
    return _fill(net, allocate(payable, _check_percent_total(units, "percentages")))


def _fixed_matrix(lines, net, departments, inputs, payable):
    columns = _per_department(inputs.get("amounts"), departments, "amounts", 0)
    if sum(columns.values()) != payable:
        raise SplitError(
            "The fixed amounts do not add up to what the departments pay together.",
            field="amounts",
            amounts=(sum(columns.values()), payable),
        )
    return _fill(net, columns)


def _per_line(inputs, key: str, lines) -> Mapping:
    per_line = inputs.get(key)
    if not isinstance(per_line, Mapping):
        raise SplitError("Give the shares of every line item.", field=key)
    known = {str(line.id) for line in lines}
    unknown = sorted(set(map(str, per_line)) - known)
    if unknown:
        raise SplitError(f"There is no line item {unknown[0]}.", field=key)
    return per_line


def _line_units(given: Mapping, departments: list[str], field: str, places: int):
    """One line's numbers per department; a department left out takes nothing of the line
    (speed sensor: 100% TRN). Only the given values are parsed: a line of a 100-department
    split usually names a few."""
    _reject_unknown(given, departments, field)
    parsed = _gather(
        {code: partial(_units, given[code], places, f"{field}.{code}") for code in sorted(given)}
    )
    return {**dict.fromkeys(departments, 0), **parsed}


def _by_line(lines, net, row_of) -> list[dict[str, int]]:
    """Each line's row (`row_of(line, amount)`), every line checked: a form marks each
    line at fault, not only the first."""
    pairs = enumerate(zip(lines, net, strict=True))
    return list(_gather({i: partial(row_of, line, amount) for i, (line, amount) in pairs}).values())


def _line_item_matrix(lines, net, departments, inputs, payable):
    per_line = _per_line(inputs, "lines", lines)

    def row_of(line, amount):
        field = f"lines.{line.id}"
        given = per_line.get(str(line.id))
        if not isinstance(given, Mapping) or not given:
            raise SplitError(f"Assign “{line.description}” to departments.", field=field)
        units = _line_units(given, departments, field, MAX_PERCENT_PLACES)
        return allocate(amount, _check_percent_total(units, field))

    return _by_line(lines, net, row_of)


def _quantity_matrix(lines, net, departments, inputs, payable):
    per_line = _per_line(inputs, "quantities", lines)

    def row_of(line, amount):
        field = f"quantities.{line.id}"
        given = per_line.get(str(line.id)) or {}
        if not isinstance(given, Mapping):
            raise SplitError("Give each department's quantity.", field=field)
        needs = _line_units(given, departments, field, MAX_QUANTITY_PLACES)
        if sum(needs.values()) != _units(line.quantity, MAX_QUANTITY_PLACES, field):
            shown = _shown(sum(needs.values()), MAX_QUANTITY_PLACES)
            raise SplitError(
                f"The departments' quantities of “{line.description}” total {shown}; "
                f"they must total the line's {line.quantity}.",
                field=field,
            )
        return allocate(amount, needs)

    return _by_line(lines, net, row_of)


_MATRIX = {
    PERCENTAGE: _percentage_matrix,
    FIXED: _fixed_matrix,
    LINE_ITEM: _line_item_matrix,
    QUANTITY: _quantity_matrix,
}


def result_adds_up(result: Mapping) -> bool:
    """Whether a stored result (SplitResult.as_json) is whole to the cent: every line's shares
    plus its in-kind part make its amount, every department's total is its column, and the
    parts make the total. Publishing checks this once more (invariant 4)."""
    try:
        lines = result["lines"]
        columns = dict.fromkeys(result["departments"], 0)
        for line in lines:
            parts = [line["in_kind"], *line["shares"].values()]
            if any(_not_cents(part) or part < 0 for part in parts):
                return False
            if sum(parts) != line["amount"]:
                return False
            for code, part in line["shares"].items():
                columns[code] += part
        return (
            columns == result["departments"]
            and sum(line["amount"] for line in lines) == result["total_minor"]
            and sum(line["in_kind"] for line in lines) == result["in_kind_minor"]
            and sum(columns.values()) == result["total_minor"] - result["in_kind_minor"]
        )
    except (KeyError, TypeError, AttributeError):
        return False


def _not_cents(value) -> bool:
    return isinstance(value, bool) or not isinstance(value, int)


def compute_awarded(
    *,
    method: str,
    lines: Sequence[BasisLine],
    departments: Sequence[str],
    inputs: Mapping,
    in_kind_minor: int = 0,
) -> SplitResult:
    """The approved split priced at the awarded unit prices (`lines` carry them): by
    percentage, line item and quantity the same inputs over the new amounts; fixed amounts,
    agreed on the estimate, become each department's proportion of the awarded total (so the
    parts still sum exactly). An in-kind contribution larger than the awarded total covers it
    all."""
    total = sum(line.amount_minor for line in lines)
    in_kind = min(in_kind_minor, total)
    if method == FIXED:
        agreed = _per_department(inputs.get("amounts"), sorted(departments), "amounts", 0)
        weights = agreed if any(agreed.values()) else dict.fromkeys(agreed, 1)
        inputs = {"amounts": allocate(total - in_kind, weights)}
    return compute_split(
        method=method, lines=lines, departments=departments, inputs=inputs, in_kind_minor=in_kind
    )

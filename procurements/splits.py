"""The cost-split engine (DESIGN.md 6): pure functions, no database, no floats.

Every method ends in the same shape: a matrix line x department in minor units whose rows add
up to each line's amount (less its in-kind part) and whose columns add up to each department's
payable total, both exactly. Ties are broken by department code (p3hub.money.allocate).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from p3hub.money import MoneyError, allocate, check_percentages

PERCENTAGE, FIXED, LINE_ITEM, QUANTITY = "percentage", "fixed", "line_item", "quantity"
METHODS = (PERCENTAGE, FIXED, LINE_ITEM, QUANTITY)
MAX_PERCENT_PLACES = 4


class SplitError(ValueError):
    """An input that cannot make a split; `field` is the path of the offending value."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


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
    """Quantity times unit price, rounded half up to a whole minor unit."""
    return int((quantity * unit_price_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
    amounts = [line.amount_minor for line in lines]
    total = sum(amounts)
    in_kind = _in_kind(in_kind_minor, total)
    in_kind_by_line = _spread(in_kind, {str(i): a for i, a in enumerate(amounts)}, len(lines))
    net = [amount - part for amount, part in zip(amounts, in_kind_by_line, strict=True)]
    matrix = _MATRIX[method](lines, net, list(departments), inputs, total - in_kind)
    columns = {code: sum(row[code] for row in matrix) for code in sorted(departments)}
    rows = tuple(
        {"line": line.id, "amount": amount, "in_kind": part, "shares": row}
        for line, amount, part, row in zip(lines, amounts, in_kind_by_line, matrix, strict=True)
    )
    return SplitResult(total, in_kind, rows, columns)


def _in_kind(in_kind_minor: int, total: int) -> int:
    if isinstance(in_kind_minor, bool) or not isinstance(in_kind_minor, int):
        raise SplitError("The in-kind amount must be a whole number of cents.", field="in_kind")
    if not 0 <= in_kind_minor <= total:
        raise SplitError(
            "The in-kind contribution must be between zero and the estimated total.",
            field="in_kind",
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
    exceeds what is owed, and the last line takes exactly the rest.
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


def _decimal(value, field: str) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise SplitError("Enter a number.", field=field)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise SplitError(f"“{value}” is not a number.", field=field) from None
    if not number.is_finite() or number < 0:
        raise SplitError("Enter a number of zero or more.", field=field)
    if abs(number) >= Decimal(10) ** 15:
        raise SplitError("That number is too large.", field=field)
    return number


def _reject_unknown(values: Mapping, departments: list[str], field: str) -> None:
    unknown = sorted(set(map(str, values)) - set(departments))
    if unknown:
        raise SplitError(f"{unknown[0]} is not a participating department.", field=field)


def _per_department(values: Mapping, departments: list[str], field: str) -> dict[str, Decimal]:
    """One number per participating department: no more, no fewer."""
    if not isinstance(values, Mapping):
        raise SplitError("Give one value per department.", field=field)
    _reject_unknown(values, departments, field)
    missing = [code for code in departments if code not in values]
    if missing:
        raise SplitError(f"Give a value for {missing[0]}.", field=f"{field}.{missing[0]}")
    return {code: _decimal(values[code], f"{field}.{code}") for code in departments}


def _checked_percentages(shares: dict[str, Decimal], field: str) -> dict[str, Decimal]:
    try:
        check_percentages(shares)
    except MoneyError as error:
        where = f"{field}.{error.key}" if error.key else field
        message = str(error)
        raise SplitError(message[0].upper() + message[1:] + ".", field=where) from None
    return shares


def _percentage_matrix(lines, net, departments, inputs, payable):
    shares = _checked_percentages(
        _per_department(inputs.get("percentages"), departments, "percentages"), "percentages"
    )
    return _fill(net, allocate(payable, shares))


def _fixed_matrix(lines, net, departments, inputs, payable):
    amounts = _per_department(inputs.get("amounts"), departments, "amounts")
    columns = {}
    for code, amount in amounts.items():
        if amount != amount.to_integral_value():
            raise SplitError("Amounts are whole cents.", field=f"amounts.{code}")
        columns[code] = int(amount)
    if sum(columns.values()) != payable:
        raise SplitError(
            f"Fixed amounts total {sum(columns.values())} cents; they must total exactly "
            f"{payable} cents.",
            field="amounts",
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


def _line_item_matrix(lines, net, departments, inputs, payable):
    per_line = _per_line(inputs, "lines", lines)
    rows = []
    for line, amount in zip(lines, net, strict=True):
        field = f"lines.{line.id}"
        given = per_line.get(str(line.id))
        if not isinstance(given, Mapping) or not given:
            raise SplitError(f"Assign “{line.description}” to departments.", field=field)
        _reject_unknown(given, departments, field)
        # A department left out of a line takes no share of it (speed sensor: 100% TRN).
        shares = _checked_percentages(
            {code: _decimal(given.get(code, 0), f"{field}.{code}") for code in departments}, field
        )
        rows.append(allocate(amount, shares))
    return rows


def _quantity_matrix(lines, net, departments, inputs, payable):
    per_line = _per_line(inputs, "quantities", lines)
    rows = []
    for line, amount in zip(lines, net, strict=True):
        field = f"quantities.{line.id}"
        given = per_line.get(str(line.id)) or {}
        if not isinstance(given, Mapping):
            raise SplitError("Give each department's quantity.", field=field)
        _reject_unknown(given, departments, field)
        needs = {code: _decimal(given.get(code, 0), f"{field}.{code}") for code in departments}
        if sum(needs.values()) != line.quantity:
            raise SplitError(
                f"The departments' quantities of “{line.description}” total "
                f"{sum(needs.values())}; they must total the line's {line.quantity}.",
                field=field,
            )
        rows.append(allocate(amount, needs))
    return rows


_MATRIX = {
    PERCENTAGE: _percentage_matrix,
    FIXED: _fixed_matrix,
    LINE_ITEM: _line_item_matrix,
    QUANTITY: _quantity_matrix,
}

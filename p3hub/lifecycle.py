"""Status lifecycles as transition tables (DESIGN.md 4, STYLE.md 3).

Each model with a status declares one `Lifecycle` beside its status field: the named moves
(publish, join, supersede, ...), the states each starts from and the state it leads to, and who
may ask for it. The same table serves three callers:

- services move a row with `apply`, which locks the row, reads its status from the database,
  checks the move and the actor, saves the status and the named fields once, and records the
  audit event with the old and the new status; a refused move raises the domain error (403 for
  the wrong actor, 409 for the wrong state), the same for every caller;
- pages and the API ask `open_for(obj, actor)` which moves to offer, so no template re-derives
  the rules from raw statuses;
- tests walk `table` to try every allowed and every refused move.

This module knows nothing of tenancy: an actor is anything with an `audit(verb, obj, before=,
after=)` method, and `who` predicates are the model's own.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction

from p3hub.errors import InvalidTransition, NotFound, PermissionDenied


class Actor(Protocol):
    """Whoever moves a row: it records the audit event in its own chain."""

    def audit(self, verb: str, obj=None, *, before=None, after=None): ...


@dataclass(frozen=True)
class Transition:
    """One named move of a lifecycle.

    `who(actor, obj)` says whether the actor may ask for it (a person pressing a button or
    calling the API); a move without `who` is never offered: only a service makes it, as the
    consequence of something else (the clock closing bids, the last head approving).
    `done` completes "it cannot be ..." in the refusal of a move from a wrong state, unless
    `refused(obj, status)` words it; `denied` is the 403 message (or `denied(obj, actor)`).
    """

    name: str
    sources: frozenset[str]
    target: str
    verb: str
    done: str
    who: Callable[[Any, models.Model], bool] | None = None
    denied: str | Callable[[models.Model, Any], str] = "You may not do this."
    refused: Callable[[models.Model, str], str] | None = None

    @property
    def offered(self) -> bool:
        return self.who is not None


class Lifecycle:
    """The transition table of one model's status field, declared in the model's body:

        lifecycle = Lifecycle(Status, noun="solicitation", transitions=[...])

    `states` is the field's TextChoices; `initial` the states a row may be created in (the
    first is the default); `audit_on(obj)` the row whose history records a move (a
    participation's moves are told in its solicitation's history).
    """

    def __init__(
        self,
        states: type[models.TextChoices],
        *,
        noun: str,
        transitions: Iterable[Transition],
        initial: Iterable[str] = (),
        audit_on: Callable[[models.Model], models.Model] | None = None,
        audited: bool = True,
        field_name: str = "status",
    ):
        self.states, self.noun, self.field_name = states, noun, field_name
        # Plumbing rows (an outbound e-mail) move without an audit event and without an actor.
        self.audited = audited
        self.transitions = tuple(transitions)
        self.initial = tuple(initial) or (next(iter(states)).value,)
        self.audit_on = audit_on or (lambda obj: obj)
        self.model: type[models.Model] | None = None
        self._validate()

    def __set_name__(self, owner: type[models.Model], name: str) -> None:
        self.model = owner

    def _validate(self) -> None:
        statuses = set(self.states.values)
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.noun}: a move is named twice in {names}")
        for transition in self.transitions:
            unknown = (set(transition.sources) | {transition.target}) - statuses
            if unknown:
                raise ValueError(f"{self.noun}.{transition.name}: unknown states {unknown}")
            if transition.target in transition.sources:
                raise ValueError(f"{self.noun}.{transition.name}: a move must change the state")
        if set(self.initial) - statuses:
            raise ValueError(f"{self.noun}: unknown initial states {self.initial}")

    @property
    def table(self) -> dict[str, frozenset[str]]:
        """Every state and the states it may move to (terminal states map to nothing)."""
        targets: dict[str, set[str]] = {status: set() for status in self.states.values}
        for transition in self.transitions:
            for source in transition.sources:
                targets[source].add(transition.target)
        return {status: frozenset(found) for status, found in targets.items()}

    def __getitem__(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(f"{self.noun} has no move {name!r}")

    def moves_from(self, status: str) -> list[Transition]:
        return [t for t in self.transitions if status in t.sources]

    def open_for(self, obj: models.Model, actor) -> list[Transition]:
        """The moves this actor may ask for now, by the row's status as loaded."""
        status = getattr(obj, self.field_name)
        return [t for t in self.moves_from(status) if t.offered and t.who(actor, obj)]

    def open_names(self, obj: models.Model, actor) -> frozenset[str]:
        return frozenset(t.name for t in self.open_for(obj, actor))

    def check_actor(self, obj: models.Model, name: str, actor) -> None:
        """PermissionDenied unless `actor` may ask for move `name` on `obj` (moves without
        `who` are a service's own and always pass)."""
        transition = self[name]
        if transition.offered and not transition.who(actor, obj):
            denied = transition.denied
            raise PermissionDenied(denied if isinstance(denied, str) else denied(obj, actor))

    def check(self, obj: models.Model, name: str, actor, *, status: str | None = None) -> None:
        """Raise the domain error unless `actor` may make move `name` from the row's status
        (or `status`, when the caller read a fresher one): 403 for the wrong actor, 409 for
        the wrong state."""
        self.check_actor(obj, name, actor)
        transition = self[name]
        current = getattr(obj, self.field_name) if status is None else status
        if current not in transition.sources:
            if transition.refused is not None:
                message = transition.refused(obj, current)
            else:
                label = self.states(current).label.lower()
                message = f"This {self.noun} is {label}: it cannot be {transition.done}."
            raise InvalidTransition(message, code="invalid_transition")

    def apply(
        self,
        obj: models.Model,
        name: str,
        *,
        actor: Actor | None,
        changes: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> models.Model:
        """Make move `name` on `obj` inside the caller's transaction and record it.

        The row is locked and its status read from the database, so two requests racing for
        the same move cannot both make it: the second finds the new state and is refused.
        `changes` are other fields saved with the status (a publication date); `details` are
        added to the audit event's `after` (a reason, a department).
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Lifecycle.apply must run inside the transaction of the change")
        transition = self[name]
        current = self._lock(obj)
        self.check(obj, name, actor, status=current)
        changes = dict(changes or {})
        setattr(obj, self.field_name, transition.target)
        for attribute, value in changes.items():
            setattr(obj, attribute, value)
        obj.save(update_fields=[self.field_name, *changes, *self._auto_now_fields()])
        if self.audited:
            actor.audit(
                transition.verb,
                self.audit_on(obj),
                before={"status": current},
                after={"status": transition.target, **(details or {})},
            )
        return obj

    def create(self, *, status: str | None = None, **fields) -> models.Model:
        """A new row in one of the lifecycle's initial states (the model's default if none)."""
        status = status or self.initial[0]
        if status not in self.initial:
            raise ValueError(f"a {self.noun} cannot start as {status}")
        return self.model._default_manager.create(**{self.field_name: status}, **fields)

    def _lock(self, obj: models.Model) -> str:
        # Only this row: a default ordering across a relation (a share by its department's
        # code) would join and lock the related rows too, blocking inserts that reference them.
        current = (
            self.model._default_manager.select_for_update(of=("self",))
            .filter(pk=obj.pk)
            .order_by("pk")
            .values_list(self.field_name, flat=True)
            .first()
        )
        if current is None:
            raise NotFound("Not found.")
        return current

    def _auto_now_fields(self) -> list[str]:
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if isinstance(f, models.DateTimeField | models.DateField) and f.auto_now
        ]


def sources(*states: Iterable[str] | str) -> frozenset[str]:
    """`sources(A, B)` or `sources(SOME_SET)`: the states a move starts from."""
    found: set[str] = set()
    for state in states:
        found |= {state} if isinstance(state, str) else set(state)
    return frozenset(found)

"""Instant recommendations: score a whole directory for one person in one NumPy pass.

``MentorIndex`` holds every mentor of a program as feature arrays (bitmasks for topics,
languages, modes, kinds, stages and background; three uint64 words for the 168-hour
availability mask; codes into a specialty alignment matrix). Scoring a mentee against
all of them is a few dozen array operations; reasons are written only for the page
returned, by ``scoring.score_pair``. ``MenteeIndex`` is the mirror image, for a mentor's
suggested mentees.

The kernel repeats ``score_pair``'s arithmetic operation for operation, in the same
order, in float64, so the vectorised score is bit-for-bit the pair score (a property
test checks every pair). Equal scores rank by a stated rule: mentors with more free places
first, then the earlier verified, then by id; mentees by id.

Indexes are plain in-memory objects: build one per program and process, then
``update``/``remove`` a row when a profile changes; weights may be swapped at any time.
Each index has a lock that its queries and its ``update``/``remove`` take, so a row
changed in one thread never shows half-written to a query in another (each thread has
its own work buffers). Pure: no Django.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, Self, TypeVar

import numpy as np
import numpy.typing as npt

from matching.scoring.alignment import OWN_ROUTE, RELATED_AT_LEAST, lifts
from matching.scoring.components import (
    DEFAULT_WEIGHTS,
    Alignment,
    Match,
    MenteeFeatures,
    MentorFeatures,
    ReasonFor,
    Weights,
    score_pair,
)
from matching.scoring.kernel import (
    MENTEE_COLUMNS,
    MENTOR_COLUMNS,
    Array,
    Columns,
    Row,
    Scratch,
    Table,
    kernel,
    mentee_row,
    mentor_row,
    one,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F = TypeVar("F", MenteeFeatures, MentorFeatures)
P = ParamSpec("P")
R = TypeVar("R")

_MAX_TENTHS = 1000  # a score of 100.0


# --- Specialties ------------------------------------------------------------------------


class _Worded(Protocol):
    @property
    def reason(self) -> str: ...


class Taxonomy(Protocol):
    """What the index needs of ``accounts.taxonomy.Taxonomy`` (kept structural: no import)."""

    @property
    def index(self) -> Mapping[str, int]: ...

    def alignment(self, a: str, b: str) -> float: ...

    def alignment_reason(self, a: str, b: str, *, audience: str = ...) -> _Worded: ...


class SpecialtySpace:
    """The specialty slugs in play and their pairwise alignment, as a float64 matrix.

    Callable like the ``alignment`` argument of ``score_pair`` - pass the same space
    to both, so the vectorised and the pair scores use identical numbers. Unknown slugs
    align with nothing (0).
    """

    def __init__(self, slugs: Sequence[str], matrix: npt.ArrayLike, reason_for: ReasonFor | None = None) -> None:
        values = np.clip(np.asarray(matrix, dtype=np.float64), 0.0, 1.0)
        if values.shape != (len(slugs), len(slugs)):
            raise ValueError("the alignment matrix must be len(slugs) x len(slugs)")
        self.slugs = tuple(slugs)
        self.index = {slug: position for position, slug in enumerate(self.slugs)}
        # One extra zero row and column: the padding code for "no field".
        self.matrix = np.zeros((len(slugs) + 1, len(slugs) + 1))
        self.matrix[:-1, :-1] = values
        self.reason_for = reason_for
        # Own routes (``alignment.own_route``): each (target, field) pair the lift raises gets
        # one extra row after the padding row, its lifted grade in the field's column and 0
        # elsewhere. A mentee whose current specialty is such a field aims at that row too.
        lifted = np.argwhere(np.vectorize(lifts, otypes=[bool])(values))
        self._own_routes = {(int(t), int(f)): len(slugs) + 1 + k for k, (t, f) in enumerate(lifted)}
        self.rows = np.zeros((len(slugs) + 1 + len(lifted), len(slugs) + 1))
        self.rows[: len(slugs) + 1] = self.matrix
        for (_, f), row in self._own_routes.items():
            self.rows[row, f] = OWN_ROUTE.grade
        self.rows.setflags(write=False)

    @classmethod
    def build(cls, slugs: Iterable[str], alignment: Alignment, reason_for: ReasonFor | None = None) -> SpecialtySpace:
        """Tabulate ``alignment`` (e.g. ``accounts.taxonomy.alignment``) over ``slugs``."""
        ordered = list(dict.fromkeys(slugs))
        return cls(ordered, [[alignment(a, b) for b in ordered] for a in ordered], reason_for)

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy) -> SpecialtySpace:
        """Every node of a taxonomy (``accounts.taxonomy.TAXONOMY``), with its reasons."""
        grades = getattr(taxonomy, "grades", None)  # the whole matrix at once, when the taxonomy has it
        if grades is not None:
            return cls(list(taxonomy.index), grades, _reason_for(taxonomy))
        return cls.build(taxonomy.index, taxonomy.alignment, _reason_for(taxonomy))

    def __call__(self, a: str, b: str) -> float:
        if a not in self.index or b not in self.index:
            return 0.0
        return float(self.matrix[self.index[a], self.index[b]])

    @property
    def pad(self) -> int:
        return len(self.slugs)

    def related(self, slug: str, at_least: float = RELATED_AT_LEAST) -> frozenset[str]:
        """The slugs that earn at least ``at_least`` for a target ``slug`` (itself included)."""
        if slug not in self.index:
            return frozenset()
        row = self.matrix[self.index[slug], :-1]
        return frozenset(self.slugs[i] for i in np.flatnonzero(row >= at_least))

    def positions(self, slugs: Iterable[str]) -> tuple[int, ...]:
        return tuple(self.index[slug] for slug in slugs if slug in self.index)

    def aims(self, mentee: MenteeFeatures) -> tuple[int, ...]:
        """The rows of ``rows`` a mentee aims at: the targets, then the own-route rows of the
        current specialty (``score_pair``'s lift, tabulated)."""
        targets = self.positions(mentee.target_specialties)
        current = self.index.get(mentee.current_specialty)
        if current is None:
            return targets
        own = (self._own_routes.get((target, current)) for target in targets)
        return targets + tuple(row for row in own if row is not None)


def _reason_for(taxonomy: Taxonomy) -> ReasonFor:
    def reason(target: str, field: str, audience: str) -> str:
        return taxonomy.alignment_reason(target, field, audience=audience).reason

    return reason


class _TupleCodes:
    """Distinct specialty tuples, so per-query work is per tuple, not per person."""

    def __init__(self, pad: int) -> None:
        self.pad = pad
        self.codes: dict[tuple[int, ...], int] = {}
        self._array: npt.NDArray[np.intp] | None = None

    def code(self, positions: tuple[int, ...]) -> int:
        if positions not in self.codes:
            self.codes[positions] = len(self.codes)
            self._array = None
        return self.codes[positions]

    @property
    def array(self) -> npt.NDArray[np.intp]:
        """Slot j of every tuple in row j, padded with the zero row/column ("no field")."""
        if self._array is None:
            width = max([1, *map(len, self.codes)])
            array = np.full((width, max(1, len(self.codes))), self.pad, dtype=np.intp)
            for positions, code in self.codes.items():
                array[: len(positions), code] = positions
            self._array = array
        return self._array

    def best(self, per_slug: FloatArray) -> FloatArray:
        """For each tuple, the best of ``per_slug`` over its members."""
        slots = self.array
        values = per_slug.take(slots[0])
        for slot in slots[1:]:
            np.maximum(values, per_slug.take(slot), out=values)
        return values


# --- Indexes ----------------------------------------------------------------------------


def _locked(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
    """Run ``method`` holding the index's lock (re-entrant: queries call each other)."""

    @wraps(method)
    def locked(self: Any, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked


@dataclass(frozen=True, slots=True)
class Recommendation:
    id: int
    match: Match


class _Index(Generic[F]):
    """People of one kind as columns, kept in step with their profiles."""

    _columns: Columns

    def __init__(self, space: SpecialtySpace, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.space = space
        self.weights = weights  # read at query time: assign new program weights at will
        self._table = Table(self._columns)
        self._rows: dict[int, int] = {}
        self._people: list[F] = []
        self._specialties = _TupleCodes(space.pad)
        self._regions = {"": 0}
        self._local = threading.local()  # each thread's Scratch: queries may run in threads
        self.lock = threading.RLock()

    @classmethod
    def build(cls, people: Iterable[F], *, space: SpecialtySpace, weights: Weights = DEFAULT_WEIGHTS) -> Self:
        """An index of ``people``, e.g. a program's verified mentors."""
        index = cls(space, weights)
        for person in people:
            index.update(person)
        return index

    def __len__(self) -> int:
        return self._table.size

    def __contains__(self, person_id: object) -> bool:
        return person_id in self._rows

    @_locked
    def get(self, person_id: int) -> F:
        return self._people[self._rows[person_id]]

    @property
    def ids(self) -> IntArray:
        """Ids in row order: the order of a ``mask``. Rows move on ``remove``."""
        return self._table["id"].astype(np.int64)

    @_locked
    def update(self, person: F) -> None:
        """Insert ``person``, or replace the row with the same id (a profile edit)."""
        row = self._rows.get(person.id, len(self))
        self._table.write(row, self._encode(person, specialty_code=self._specialties.code(self._positions(person))))
        if row == len(self._people):
            self._people.append(person)
        else:
            self._people[row] = person
        self._rows[person.id] = row

    @_locked
    def remove(self, person_id: int) -> None:
        """Drop a row (a deleted or deactivated profile); unknown ids are ignored."""
        row = self._rows.pop(person_id, None)
        if row is None:
            return
        last = len(self) - 1
        if row != last:  # keep rows dense: the last row takes the free place
            self._table.move(last, row)
            self._people[row] = self._people[last]
            self._rows[self._people[row].id] = row
        self._people.pop()
        self._table.pop()

    def _region(self, region: str, *, insert: bool) -> int:
        if insert:
            return self._regions.setdefault(region, len(self._regions))
        return self._regions.get(region, -1)

    def _positions(self, person: F) -> tuple[int, ...]:
        raise NotImplementedError

    def _encode(self, person: F, *, specialty_code: int) -> Row:
        raise NotImplementedError

    def _scratch(self) -> Scratch:
        scratch: Scratch | None = getattr(self._local, "scratch", None)
        if scratch is None or scratch.size != len(self):
            scratch = self._local.scratch = Scratch(len(self))
        return scratch

    def _specialty_values(self, best: FloatArray) -> Callable[[Array], Array]:
        """Per row, the best alignment, given ``best``, the best value for each slug."""

        def values(out: Array) -> Array:
            return self._specialties.best(best).take(self._table["specialties"], out=out)

        return values

    def _ranked(self, tenths: Array, k: int | None, s: Scratch) -> IntArray:
        """Rows where ``s.eligible``, by score descending then ``_tiebreak``; the first ``k`` or all."""
        if k is not None and k < 0:
            raise ValueError(f"k must be >= 0, not {k}")
        if k is None:
            every: IntArray = np.flatnonzero(s.eligible)
            return every[np.lexsort((*self._tiebreak(every), -tenths[every]))]
        # Scores are whole tenths in [0, 1000]: counting them finds the k-th best score in
        # one pass, where a partial sort (argpartition) costs several times more.
        shifted = np.multiply(np.add(tenths, 1.0, out=s.value), s.eligible, out=s.value)  # 0 = not eligible
        np.copyto(s.index, shifted, casting="unsafe")
        at_least = np.cumsum(np.bincount(s.index, minlength=_MAX_TENTHS + 2)[:0:-1])
        reached = np.flatnonzero(at_least >= k)
        threshold = _MAX_TENTHS + 1 - int(reached[0]) if len(reached) else 1
        best: IntArray = np.flatnonzero(np.greater_equal(s.index, threshold, out=s.flag))
        return best[np.lexsort((*self._tiebreak(best), -s.index[best]))][:k]

    def _tiebreak(self, rows: IntArray) -> tuple[Array, ...]:
        """Sort keys among equal scores, least significant first (``np.lexsort``'s order)."""
        return (self._table["id"][rows],)

    def _filter(self, mask: BoolArray | None, allowed_ids: Collection[int] | None, s: Scratch) -> None:
        """Narrow ``s.eligible`` to the rows the caller's own filters kept."""
        if mask is not None:
            np.logical_and(s.eligible, np.asarray(mask, dtype=np.bool_), out=s.eligible)
        if allowed_ids is not None:
            allowed = np.isin(self._table["id"], np.fromiter(allowed_ids, dtype=np.int64))
            np.logical_and(s.eligible, allowed, out=s.eligible)


class MentorIndex(_Index[MentorFeatures]):
    """Every mentor of a program, ready to rank for any mentee."""

    _columns = MENTOR_COLUMNS

    def _tiebreak(self, rows: IntArray) -> tuple[Array, ...]:
        # More free places first, then the earlier verified, then the id.
        table = self._table
        return (table["id"][rows], table["verified_at"][rows], -table["open_places"][rows])

    def _positions(self, person: MentorFeatures) -> tuple[int, ...]:
        return self.space.positions(person.specialties)

    def _encode(self, person: MentorFeatures, *, specialty_code: int) -> Row:
        return mentor_row(person, specialty_code, self._region(person.region, insert=True))

    @_locked
    def scores(self, mentee: MenteeFeatures) -> tuple[IntArray, FloatArray, BoolArray]:
        """(ids, scores, excluded) for every row, in row order; scores in [0, 100]."""
        tenths, excluded = self._score(mentee, self._scratch())
        return self.ids, tenths / 10.0, excluded.copy()

    @_locked
    def score_tenths(self, mentee: MenteeFeatures, *, out: npt.NDArray[np.float32]) -> None:
        """Write every row's score in whole tenths (0 to 1000) into ``out``, ``-inf`` where a hard
        filter excludes the pair: one row of a cohort's score matrix, without copies."""
        tenths, excluded = self._score(mentee, self._scratch())
        np.copyto(out, tenths, casting="same_kind")
        out[excluded] = -np.inf

    @_locked
    def rank_mentors(
        self,
        mentee: MenteeFeatures,
        *,
        limit: int | None = None,
        mask: BoolArray | None = None,
        allowed_ids: Collection[int] | None = None,
        include_full: bool = False,
    ) -> tuple[IntArray, FloatArray]:
        """The directory for ``mentee``, best first: (ids, scores), the first ``limit`` or all.

        Leaves out pairs a hard filter excludes and, unless ``include_full``, mentors who
        are full or not accepting. ``mask`` (aligned with ``ids``) or ``allowed_ids``
        narrow it to the rows the directory's own filters kept. No reasons: ask
        ``explain`` for the mentors of the page shown.
        """
        tenths, rows = self._rank(mentee, limit, mask, allowed_ids, include_full)
        return self._table["id"][rows].astype(np.int64), tenths[rows] / 10.0

    @_locked
    def top_mentors(
        self,
        mentee: MenteeFeatures,
        k: int = 10,
        *,
        mask: BoolArray | None = None,
        allowed_ids: Collection[int] | None = None,
        include_full: bool = False,
    ) -> list[Recommendation]:
        """The best ``k`` mentors for ``mentee``, with reasons written for the mentee."""
        _, rows = self._rank(mentee, k, mask, allowed_ids, include_full)
        return [self._recommend(mentee, self._people[row]) for row in rows]

    @_locked
    def explain(self, mentee: MenteeFeatures, mentor_id: int) -> Match | None:
        """The full match, reasons for the mentee, for one mentor of a directory page."""
        return score_pair(
            mentee, self.get(mentor_id), self.weights, self.space, reason_for=self.space.reason_for, audience="mentee"
        )

    def _recommend(self, mentee: MenteeFeatures, mentor: MentorFeatures) -> Recommendation:
        match = self.explain(mentee, mentor.id)
        assert match is not None  # the kernel excluded exactly what score_pair excludes
        return Recommendation(mentor.id, match)

    def _rank(
        self,
        mentee: MenteeFeatures,
        k: int | None,
        mask: BoolArray | None,
        allowed_ids: Collection[int] | None,
        include_full: bool,
    ) -> tuple[FloatArray, IntArray]:
        s = self._scratch()
        tenths, excluded = self._score(mentee, s)
        np.logical_not(excluded, out=s.eligible)
        if not include_full:
            np.logical_and(s.eligible, self._table["open"], out=s.eligible)
        self._filter(mask, allowed_ids, s)
        return tenths, self._ranked(tenths, k, s)

    def _score(self, mentee: MenteeFeatures, s: Scratch) -> tuple[FloatArray, BoolArray]:
        region = self._region(mentee.region, insert=False)
        e = one(mentee_row(mentee, 0, region))
        aims = list(self.space.aims(mentee))
        best = self.space.rows[aims].max(axis=0) if aims else np.zeros(self.space.pad + 1)
        return kernel(e, self._table.views(), self._specialty_values(best), self.weights, s)


class MenteeIndex(_Index[MenteeFeatures]):
    """Every mentee of a program, ready to rank for any mentor."""

    _columns = MENTEE_COLUMNS

    def _positions(self, person: MenteeFeatures) -> tuple[int, ...]:
        return self.space.aims(person)

    def _encode(self, person: MenteeFeatures, *, specialty_code: int) -> Row:
        return mentee_row(person, specialty_code, self._region(person.region, insert=True))

    @_locked
    def rank_mentees(
        self,
        mentor: MentorFeatures,
        *,
        limit: int | None = None,
        mask: BoolArray | None = None,
        allowed_ids: Collection[int] | None = None,
    ) -> tuple[IntArray, FloatArray]:
        """The mentees ``mentor`` could take, best first: (ids, scores), the first ``limit`` or all."""
        tenths, rows = self._rank(mentor, limit, mask, allowed_ids)
        return self._table["id"][rows].astype(np.int64), tenths[rows] / 10.0

    @_locked
    def top_mentees(
        self,
        mentor: MentorFeatures,
        k: int = 10,
        *,
        mask: BoolArray | None = None,
        allowed_ids: Collection[int] | None = None,
    ) -> list[Recommendation]:
        """The best ``k`` mentees for ``mentor``, with reasons written for the mentor."""
        _, rows = self._rank(mentor, k, mask, allowed_ids)
        return [self._recommend(mentor, self._people[row]) for row in rows]

    @_locked
    def explain(self, mentor: MentorFeatures, mentee_id: int) -> Match | None:
        """The full match, reasons for the mentor, for one suggested mentee."""
        return score_pair(
            self.get(mentee_id), mentor, self.weights, self.space, reason_for=self.space.reason_for, audience="mentor"
        )

    def _recommend(self, mentor: MentorFeatures, mentee: MenteeFeatures) -> Recommendation:
        match = self.explain(mentor, mentee.id)
        assert match is not None  # the kernel excluded exactly what score_pair excludes
        return Recommendation(mentee.id, match)

    def _rank(
        self,
        mentor: MentorFeatures,
        k: int | None,
        mask: BoolArray | None,
        allowed_ids: Collection[int] | None,
    ) -> tuple[FloatArray, IntArray]:
        s = self._scratch()
        tenths, excluded = self._score(mentor, s)
        np.logical_not(excluded, out=s.eligible)
        self._filter(mask, allowed_ids, s)
        return tenths, self._ranked(tenths, k, s)

    def _score(self, mentor: MentorFeatures, s: Scratch) -> tuple[FloatArray, BoolArray]:
        region = self._region(mentor.region, insert=False)
        r = one(mentor_row(mentor, 0, region))
        own = list(self.space.positions(mentor.specialties))
        best = self.space.rows[:, own].max(axis=1) if own else np.zeros(len(self.space.rows))
        e = self._table.views()
        return kernel(e, r, self._specialty_values(best), self.weights, s)

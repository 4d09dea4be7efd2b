"""The vectorised ``score_pair``: people as NumPy columns, and the kernel that scores them.

Private to ``matching.scoring.index``, which owns the indexes built on it. Every function
in the kernel mirrors a line of ``matching.scoring.components``; change them together (the
property tests in tests/matching/test_recommend.py compare them pair by pair).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.scoring import availability as av
from matching.scoring.components import (
    COMPONENTS,
    GOALS_SATURATION,
    IMPORTANCE_WEIGHTS,
    NEEDED_SHARED_HOURS,
    SIMILAR_EXPERIENCE_CREDIT,
    SIMILAR_EXPERIENCE_PREFERENCES,
    STAGE_FIT_SATURATION,
    STAGE_GUIDANCE,
    MenteeFeatures,
    MentorFeatures,
    Weights,
    comfort_denominator,
    comfort_preferences,
    guidance_factor,
    profession_factor,
    profession_fit,
    specialty_factor,
    to_tenths,
)
from matching.scoring.vocabulary import (
    BACKGROUND_ATTRIBUTES,
    COMMON_LANGUAGE,
    FLAG_ATTRIBUTES,
    GENDER_IDENTITIES,
    KINDS,
    LANGUAGES,
    MODES,
    PREFERENCE_GROUPS,
    PROFESSIONS,
    RACE_ETHNICITIES,
    STAGES,
    TOPICS,
)

Array = npt.NDArray[Any]
Columns = Mapping[str, tuple[type[Any], tuple[int, ...]]]  # name -> (dtype, shape of one cell)

_IN_PERSON = 1 << MODES.index("in_person")
_NOT_IN_PERSON = ~_IN_PERSON & 0xFF
assert len(LANGUAGES) <= 64, "languages are a uint64 bitmask"


def _bits(values: Iterable[str], vocabulary: Sequence[str]) -> int:
    return sum(1 << vocabulary.index(value) for value in set(values))


# --- Columnar storage -------------------------------------------------------------------

Row = dict[str, object]


class Table:
    """Named NumPy columns with one row per person, grown by doubling."""

    def __init__(self, columns: Columns) -> None:
        self._data = {name: np.zeros((16, *tail), dtype=dtype) for name, (dtype, tail) in columns.items()}
        self.size = 0
        self._views: dict[str, Array] | None = None

    def __getitem__(self, name: str) -> Array:
        return self.views()[name]

    def views(self) -> dict[str, Array]:
        """Every column cut to the rows in use; cached, since a query reads them all."""
        if self._views is None:
            self._views = {name: column[: self.size] for name, column in self._data.items()}
        return self._views

    def write(self, row: int, values: Row) -> None:
        if row == self.size:
            self._grow()
            self.size += 1
            self._views = None
        for name, value in values.items():
            self._data[name][row] = value

    def move(self, source: int, target: int) -> None:
        for column in self._data.values():
            column[target] = column[source]

    def pop(self) -> None:
        self.size -= 1
        self._views = None

    def _grow(self) -> None:
        if self.size < len(self._data["id"]):
            return
        for name, column in self._data.items():
            grown = np.zeros((2 * len(column), *column.shape[1:]), dtype=column.dtype)
            grown[: self.size] = column[: self.size]
            self._data[name] = grown


_PROFESSION_CODES = 2 * (len(PROFESSIONS) + 1)

_COMMON_COLUMNS: Columns = {
    "id": (np.int64, ()),
    "specialties": (np.int64, ()),  # a _TupleCodes code
    "topics": (np.uint32, ()),
    "hours_0": (np.uint64, ()),  # the 168-hour mask as three contiguous words
    "hours_1": (np.uint64, ()),
    "hours_2": (np.uint64, ()),
    "modes": (np.uint8, ()),
    "region": (np.int64, ()),
    "languages": (np.uint64, ()),
    "gender": (np.int8, ()),
    "race": (np.uint8, ()),
}
MENTOR_COLUMNS: Columns = {
    **_COMMON_COLUMNS,
    "flags": (np.uint8, ()),
    "public": (np.uint16, ()),
    "similar": (np.bool_, ()),
    "preferred_stages": (np.uint16, ()),
    "preferred_groups": (np.uint8, ()),
    "has_preferences": (np.intp, ()),  # 1 or 0: picks the score scale
    "preference_share": (np.float64, ()),  # 1 / the number of preferences stated
    "kinds": (np.uint8, ()),
    "capacity": (np.float64, ()),
    "open": (np.bool_, ()),
    "profession": (np.uint8, ()),  # a _profession_code
    "near_peer": (np.bool_, ()),
    "open_places": (np.int64, ()),  # ties: more free places first
    "verified_at": (np.float64, ()),  # then the earlier verified
}
MENTEE_COLUMNS: Columns = {
    **_COMMON_COLUMNS,
    "stage": (np.uint16, ()),  # one bit
    "guidance": (np.uint32, ()),
    "specialty_factor": (np.float64, ()),
    "guidance_factor": (np.float64, ()),
    # 1.0 where the component has something to judge, else 0.0 (its weight is then 0).
    "goals_factor": (np.float64, ()),
    "availability_factor": (np.float64, ()),
    "mode_factor": (np.float64, ()),
    "language_factor": (np.float64, ()),
    "comfort_factor": (np.float64, ()),
    # Divisors, at least 1 so an unused component still divides cleanly.
    "goals_divisor": (np.int64, ()),
    "needed_hours": (np.int64, ()),
    "mode_count": (np.int64, ()),
    "extra_languages": (np.uint64, ()),
    "groups": (np.uint8, ()),
    "comfort_weights": (np.float64, (len(BACKGROUND_ATTRIBUTES),)),
    "comfort_musts": (np.bool_, (len(BACKGROUND_ATTRIBUTES),)),
    "comfort_divisor": (np.float64, ()),  # at least 1, as the others
    "kind": (np.uint8, ()),
    "premed": (np.bool_, ()),
    "profession_factor": (np.float64, ()),
    # profession_fit for each _profession_code of a mentor: one lookup per pair.
    "profession_fit": (np.float64, (_PROFESSION_CODES,)),
}


def _profession_code(profession: str, research_doctorate: bool) -> int:
    """0-1 for an unknown profession, then two codes per PROFESSIONS value (without, with a research doctorate)."""
    position = PROFESSIONS.index(profession) + 1 if profession else 0
    return 2 * position + int(research_doctorate)


def _profession_table(mentee: MenteeFeatures) -> Array:
    table = np.zeros(_PROFESSION_CODES)
    for profession in ("", *PROFESSIONS):
        for research in (False, True):
            table[_profession_code(profession, research)] = profession_fit(
                mentee.profession, mentee.md_phd, profession, research
            )
    return table


def _common_row(person: MenteeFeatures | MentorFeatures, specialty_code: int, region: int) -> Row:
    background = person.background
    gender = background.gender_identity
    return {
        "id": person.id,
        "specialties": specialty_code,
        **dict(zip(("hours_0", "hours_1", "hours_2"), av.words(person.availability), strict=True)),
        "modes": _bits(person.modes, MODES),
        "region": region,
        "languages": _bits(person.languages, LANGUAGES),
        "gender": 0 if gender is None else GENDER_IDENTITIES.index(gender) + 1,
        "race": _bits(background.race_ethnicity, RACE_ETHNICITIES),
    }


def mentor_row(mentor: MentorFeatures, specialty_code: int, region: int) -> Row:
    background = mentor.background
    parts = bool(mentor.preferred_stages) + bool(mentor.preferred_groups)
    return {
        **_common_row(mentor, specialty_code, region),
        "topics": _bits(mentor.topics, TOPICS),
        "flags": _bits([flag for flag in FLAG_ATTRIBUTES if background.has(flag)], FLAG_ATTRIBUTES),
        "public": _bits([a for a in BACKGROUND_ATTRIBUTES if background.is_public(a)], BACKGROUND_ATTRIBUTES),
        "similar": background.has_similar_experience(),
        "preferred_stages": _bits(mentor.preferred_stages, STAGES),
        "preferred_groups": _bits(mentor.preferred_groups, PREFERENCE_GROUPS),
        "has_preferences": 1 if parts else 0,
        "preference_share": 1.0 / parts if parts else 0.0,
        "kinds": _bits(mentor.kinds or KINDS, KINDS),  # offering none means offering every kind
        # The same Python expression as score_pair's, so the same float.
        "capacity": mentor.remaining / mentor.capacity if mentor.accepting and mentor.capacity else 0.0,
        "open": mentor.is_open,
        "profession": _profession_code(mentor.profession, mentor.research_doctorate),
        "near_peer": mentor.is_near_peer,
        "open_places": mentor.open_places,
        "verified_at": mentor.verified_at,
    }


def mentee_row(mentee: MenteeFeatures, specialty_code: int, region: int) -> Row:
    weights = np.zeros(len(BACKGROUND_ATTRIBUTES))
    musts = np.zeros(len(BACKGROUND_ATTRIBUTES), dtype=np.bool_)
    for attribute, importance in comfort_preferences(mentee):
        weights[BACKGROUND_ATTRIBUTES.index(attribute)] = IMPORTANCE_WEIGHTS[importance]
        musts[BACKGROUND_ATTRIBUTES.index(attribute)] = importance == "must"
    hours = av.hours(mentee.availability)
    extra = mentee.languages - {COMMON_LANGUAGE}
    divisor = comfort_denominator(mentee)
    return {
        **_common_row(mentee, specialty_code, region),
        "topics": _bits(mentee.goals, TOPICS),
        "stage": 1 << STAGES.index(mentee.stage),
        "guidance": _bits(STAGE_GUIDANCE[mentee.stage], TOPICS),
        "specialty_factor": specialty_factor(mentee),
        "guidance_factor": guidance_factor(mentee),
        "goals_factor": 1.0 if mentee.goals else 0.0,
        "availability_factor": 1.0 if hours else 0.0,
        "mode_factor": 1.0 if mentee.modes else 0.0,
        "language_factor": 1.0 if extra else 0.0,
        "comfort_factor": 1.0 if divisor > 0 else 0.0,
        "goals_divisor": max(1, min(len(mentee.goals), GOALS_SATURATION)),
        "needed_hours": max(1, min(hours, NEEDED_SHARED_HOURS)),
        "mode_count": max(1, len(mentee.modes)),
        "extra_languages": _bits(extra, LANGUAGES),
        "groups": _bits(mentee.background.groups(), PREFERENCE_GROUPS),
        "comfort_weights": weights,
        "comfort_musts": musts,
        "comfort_divisor": divisor or 1.0,
        "kind": 0 if mentee.kind is None else 1 << KINDS.index(mentee.kind),
        "premed": mentee.is_premed,
        "profession_factor": profession_factor(mentee),
        "profession_fit": _profession_table(mentee),
    }


def one(row: Row) -> Block:
    """A single encoded row, to broadcast against a whole index.

    Plain Python numbers, not NumPy scalars: NumPy treats them as "weak" (the array's
    dtype wins) and skipping the conversion is a good share of a small query.
    """
    return {name: np.asarray(value) if isinstance(value, np.ndarray) else value for name, value in row.items()}


# --- The kernel: score_pair, vectorised -----------------------------------------------
#
# Every function below mirrors a line of scoring.py. ``e`` holds mentee columns and
# ``r`` mentor columns; one side is a single row of plain numbers that broadcasts.
# Values only need to equal score_pair's as floats (0.5 * count for a choice of 0, 0.5
# and 1, say); the weighted sum must then run in the same order. A component is only
# computed when it has some weight: adding 0.0 * value changes no bit of the sum.
#
# Everything is written into reusable ``Scratch`` buffers: on our VMs a fresh 100k-row
# temporary costs more in page faults than the arithmetic on it (5x on a whole query).

Block = Mapping[str, Any]


class Scratch:
    """Work arrays for one query over ``size`` rows; reused by the next query."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.total, self.scale, self.value, self.comfort = np.empty((4, size))
        self.u64 = np.empty(size, dtype=np.uint64)
        self.u32 = np.empty(size, dtype=np.uint32)
        self.u16 = np.empty(size, dtype=np.uint16)
        self.u8, self.count = np.empty((2, size), dtype=np.uint8)
        self.flag, self.other, self.excluded, self.eligible = np.empty((4, size), dtype=np.bool_)
        self.index = np.empty(size, dtype=np.intp)


def kernel(
    e: Block, r: Block, specialty: Callable[[Array], Array], weights: Weights, s: Scratch
) -> tuple[Array, Array]:
    """Scores in tenths of a point, and the hard-filter mask, for every row; in ``s``."""
    _kind_excluded(e, r, s)
    _near_peer_excluded(e, r, s)
    if some(e["comfort_factor"]):
        _comfort(e, r, s)
    # Where a mentor states no preference the value is 0, so the full weight adds 0 too.
    mentor_preference = weights.mentor_preference * some(r["has_preferences"])
    terms: tuple[tuple[str, Any, Callable[[], Any]], ...] = (
        ("specialty", weights.specialty * e["specialty_factor"], lambda: specialty(s.value)),
        ("stage_fit", weights.stage_fit * e["guidance_factor"], lambda: _stage_fit(e, r, s)),
        ("goals", weights.goals * e["goals_factor"], lambda: _goals(e, r, s)),
        ("availability", weights.availability * e["availability_factor"], lambda: _availability(e, r, s)),
        ("mode", weights.mode * e["mode_factor"], lambda: _mode(e, r, s)),
        ("language", weights.language * e["language_factor"], lambda: _language(e, r, s)),
        ("comfort", weights.comfort * e["comfort_factor"], lambda: s.comfort),
        ("mentor_preference", mentor_preference, lambda: _mentor_preference(e, r, s)),
        ("capacity", weights.capacity, lambda: r["capacity"]),
        ("profession", weights.profession * e["profession_factor"], lambda: _profession(e, r, s)),
    )
    assert tuple(name for name, _, _ in terms) == COMPONENTS
    s.total.fill(0.0)
    for _, weight, value in terms:
        if some(weight):
            np.add(s.total, np.multiply(value(), weight, out=s.value), out=s.total)
    tenths = np.multiply(s.total, _scale(e, r, weights, s), out=s.total)
    return np.floor(np.add(tenths, 0.5, out=tenths), out=tenths), s.excluded


def _scale(e: Block, r: Block, weights: Weights, s: Scratch) -> Any:
    """``to_tenths`` of each pair's denominator, summed in score_pair's order."""
    before: Any = 0.0  # the weights before mentor_preference, a number or one per mentee
    for weight in (
        weights.specialty * e["specialty_factor"],
        weights.stage_fit * e["guidance_factor"],
        weights.goals * e["goals_factor"],
        weights.availability * e["availability_factor"],
        weights.mode * e["mode_factor"],
        weights.language * e["language_factor"],
        weights.comfort * e["comfort_factor"],
    ):
        before = before + weight
    profession = weights.profession * e["profession_factor"]
    if isinstance(before, np.ndarray):  # many mentees, one mentor
        denominator = before + weights.mentor_preference * r["has_preferences"] + weights.capacity + profession
        scale = np.zeros_like(denominator)
        return np.divide(1000.0, denominator, out=scale, where=denominator != 0)
    # One mentee: only the mentor's "states a preference" varies, so two scales serve all.
    scales = [
        to_tenths(before + mentor_preference + weights.capacity + profession)
        for mentor_preference in (0.0, weights.mentor_preference)
    ]
    return np.take(scales, r["has_preferences"], out=s.scale)


def _kind_excluded(e: Block, r: Block, s: Scratch) -> None:
    # Mentors offering every kind store all the kind bits, so one AND decides.
    if not some(e["kind"]):
        s.excluded.fill(False)
        return
    np.equal(np.bitwise_and(r["kinds"], e["kind"], out=s.u8), 0, out=s.excluded)
    if isinstance(e["kind"], np.ndarray):
        np.logical_and(s.excluded, e["kind"] != 0, out=s.excluded)


def _near_peer_excluded(e: Block, r: Block, s: Scratch) -> None:
    # A near-peer mentor mentors premeds only. One side is a single row: a plain bool.
    if isinstance(e["premed"], np.ndarray):  # every mentee, one mentor
        if r["near_peer"]:
            np.logical_or(s.excluded, np.logical_not(e["premed"], out=s.flag), out=s.excluded)
    elif not e["premed"]:  # one mentee who is not premed, every mentor
        np.logical_or(s.excluded, r["near_peer"], out=s.excluded)


def _stage_fit(e: Block, r: Block, s: Scratch) -> Array:
    np.bitwise_count(np.bitwise_and(r["topics"], e["guidance"], out=s.u32), out=s.u8)
    return np.minimum(np.divide(s.u8, STAGE_FIT_SATURATION, out=s.value), 1.0, out=s.value)


def _goals(e: Block, r: Block, s: Scratch) -> Array:
    np.bitwise_count(np.bitwise_and(r["topics"], e["topics"], out=s.u32), out=s.u8)
    return np.minimum(np.divide(s.u8, e["goals_divisor"], out=s.value), 1.0, out=s.value)


def _availability(e: Block, r: Block, s: Scratch) -> Array:
    np.bitwise_count(np.bitwise_and(e["hours_0"], r["hours_0"], out=s.u64), out=s.count)
    for word in ("hours_1", "hours_2"):  # at most 168 shared hours: the sum fits a uint8
        np.bitwise_count(np.bitwise_and(e[word], r[word], out=s.u64), out=s.u8)
        np.add(s.count, s.u8, out=s.count)
    return np.minimum(np.divide(s.count, e["needed_hours"], out=s.value), 1.0, out=s.value)


def _mode(e: Block, r: Block, s: Scratch) -> Array:
    """Modes both want; in person only within the same region."""
    wanted = np.bitwise_and(e["modes"], r["modes"], out=s.u8)
    np.bitwise_count(np.bitwise_and(wanted, _NOT_IN_PERSON, out=s.count), out=s.count)
    if some(np.bitwise_and(e["modes"], _IN_PERSON)) and some(np.greater(e["region"], 0)):
        np.not_equal(np.bitwise_and(wanted, _IN_PERSON, out=wanted), 0, out=s.flag)
        np.logical_and(s.flag, np.equal(e["region"], r["region"], out=s.other), out=s.flag)
        if isinstance(e["region"], np.ndarray):
            np.logical_and(s.flag, e["region"] > 0, out=s.flag)
        np.add(s.count, s.flag, out=s.count, dtype=np.uint8)
    return np.divide(s.count, e["mode_count"], out=s.value)


def _language(e: Block, r: Block, s: Scratch) -> Array:
    # 1 when sharing a language beyond English, 0.5 for English only: the extra implies any.
    np.not_equal(np.bitwise_and(r["languages"], e["languages"], out=s.u64), 0, out=s.flag)
    np.not_equal(np.bitwise_and(r["languages"], e["extra_languages"], out=s.u64), 0, out=s.other)
    np.add(s.flag, s.other, out=s.u8, dtype=np.uint8)
    return np.multiply(s.u8, 0.5, out=s.value)


def _comfort(e: Block, r: Block, s: Scratch) -> None:
    """The comfort value into ``s.comfort``; an unmet *must* into ``s.excluded``."""
    s.comfort.fill(0.0)
    for position, attribute in enumerate(BACKGROUND_ATTRIBUTES):
        weight = e["comfort_weights"][..., position]
        if not some(weight):
            continue
        matched = _attribute_matches(attribute, e, r, s)  # in s.flag
        if attribute in SIMILAR_EXPERIENCE_PREFERENCES:  # credit = matched + 0.5 * (similar and not matched)
            np.logical_and(np.logical_not(matched, out=s.other), r["similar"], out=s.other)
            credit = np.add(np.multiply(s.other, SIMILAR_EXPERIENCE_CREDIT, out=s.value), matched, out=s.value)
        else:
            credit = np.multiply(matched, 1.0, out=s.value)
        np.add(s.comfort, np.multiply(credit, weight, out=s.value), out=s.comfort)
        musts = e["comfort_musts"][..., position]
        if some(musts):  # a must needs a match the mentor shows to everyone
            public = np.bitwise_and(r["public"], 1 << position) != 0
            np.logical_not(np.logical_and(matched, public, out=s.other), out=s.other)
            np.logical_or(s.excluded, np.logical_and(s.other, musts, out=s.other), out=s.excluded)
    np.divide(s.comfort, e["comfort_divisor"], out=s.comfort)


def _attribute_matches(attribute: str, e: Block, r: Block, s: Scratch) -> Any:
    # Where the mentee's own value is unknown the preference has no weight and no must,
    # so matching two unknowns there changes nothing.
    if attribute == "gender_identity":
        return np.equal(e["gender"], r["gender"], out=s.flag)
    if attribute == "race_ethnicity":
        return np.not_equal(np.bitwise_and(e["race"], r["race"], out=s.u8), 0, out=s.flag)
    bit = 1 << FLAG_ATTRIBUTES.index(attribute)
    if not isinstance(r["flags"], np.ndarray):  # one mentor: the same answer for every mentee
        return np.bool_(r["flags"] & bit)
    return np.not_equal(np.bitwise_and(r["flags"], bit, out=s.u8), 0, out=s.flag)


def _profession(e: Block, r: Block, s: Scratch) -> Array:
    table = e["profession_fit"]
    if isinstance(r["profession"], np.ndarray):  # one mentee, every mentor: a lookup per row
        return np.take(table, r["profession"], out=s.value)
    np.copyto(s.value, table[..., r["profession"]])  # every mentee, one mentor: one column
    return s.value


def _mentor_preference(e: Block, r: Block, s: Scratch) -> Array:
    # met / parts, with parts 1 or 2: each met part is worth 1 / parts, exactly.
    np.not_equal(np.bitwise_and(r["preferred_stages"], e["stage"], out=s.u16), 0, out=s.flag)
    np.not_equal(np.bitwise_and(r["preferred_groups"], e["groups"], out=s.u8), 0, out=s.other)
    np.add(s.flag, s.other, out=s.u8, dtype=np.uint8)
    return np.multiply(s.u8, r["preference_share"], out=s.value)


def some(value: Any) -> bool:
    """np.any without its Python overhead for the plain numbers of a single row."""
    return bool(value.any()) if isinstance(value, np.ndarray) else bool(value)

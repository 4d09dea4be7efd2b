"""The vectorised ``score_pair``: people as NumPy columns, and the kernel that scores them.

Private to ``matching.recommend``, which owns the indexes built on it. Every function
in the kernel mirrors a line of ``matching.scoring``; change them together (the
property tests in tests/matching/test_recommend.py compare them pair by pair).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from matching import availability as av
from matching.scoring import (
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
    specialty_factor,
)
from matching.vocabulary import (
    BACKGROUND_ATTRIBUTES,
    COMMON_LANGUAGE,
    FLAG_ATTRIBUTES,
    GENDER_IDENTITIES,
    KINDS,
    LANGUAGES,
    MODES,
    PREFERENCE_GROUPS,
    RACE_ETHNICITIES,
    STAGES,
    TOPICS,
)

Array = npt.NDArray[Any]
Columns = Mapping[str, tuple[type[Any], tuple[int, ...]]]  # name -> (dtype, shape of one cell)

_IN_PERSON = 1 << MODES.index("in_person")
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
    "has_preferences": (np.float64, ()),  # 1.0 or 0.0
    "preference_share": (np.float64, ()),  # 1 / the number of preferences stated
    "kinds": (np.uint8, ()),
    "capacity": (np.float64, ()),
    "open": (np.bool_, ()),
}
MENTEE_COLUMNS: Columns = {
    **_COMMON_COLUMNS,
    "stage": (np.uint16, ()),  # one bit
    "guidance": (np.uint32, ()),
    "specialty_factor": (np.float64, ()),
    "guidance_factor": (np.float64, ()),
    "goals_divisor": (np.int64, ()),  # 0 = no goals
    "needed_hours": (np.int64, ()),  # 0 = no availability given
    "mode_count": (np.int64, ()),
    "extra_languages": (np.uint64, ()),
    "groups": (np.uint8, ()),
    "comfort_weights": (np.float64, (len(BACKGROUND_ATTRIBUTES),)),
    "comfort_musts": (np.bool_, (len(BACKGROUND_ATTRIBUTES),)),
    "comfort_divisor": (np.float64, ()),
    "kind": (np.uint8, ()),
}


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
        "has_preferences": 1.0 if parts else 0.0,
        "preference_share": 1.0 / parts if parts else 0.0,
        "kinds": _bits(mentor.kinds or KINDS, KINDS),  # offering none means offering every kind
        # The same Python expression as score_pair's, so the same float.
        "capacity": mentor.remaining / mentor.capacity if mentor.accepting and mentor.capacity else 0.0,
        "open": mentor.is_open,
    }


def mentee_row(mentee: MenteeFeatures, specialty_code: int, region: int) -> Row:
    weights = np.zeros(len(BACKGROUND_ATTRIBUTES))
    musts = np.zeros(len(BACKGROUND_ATTRIBUTES), dtype=np.bool_)
    for attribute, importance in comfort_preferences(mentee):
        weights[BACKGROUND_ATTRIBUTES.index(attribute)] = IMPORTANCE_WEIGHTS[importance]
        musts[BACKGROUND_ATTRIBUTES.index(attribute)] = importance == "must"
    hours = av.hours(mentee.availability)
    return {
        **_common_row(mentee, specialty_code, region),
        "topics": _bits(mentee.goals, TOPICS),
        "stage": 1 << STAGES.index(mentee.stage),
        "guidance": _bits(STAGE_GUIDANCE[mentee.stage], TOPICS),
        "specialty_factor": specialty_factor(mentee),
        "guidance_factor": guidance_factor(mentee),
        "goals_divisor": min(len(mentee.goals), GOALS_SATURATION),
        "needed_hours": min(hours, NEEDED_SHARED_HOURS),
        "mode_count": len(mentee.modes),
        "extra_languages": _bits(mentee.languages - {COMMON_LANGUAGE}, LANGUAGES),
        "groups": _bits(mentee.background.groups(), PREFERENCE_GROUPS),
        "comfort_weights": weights,
        "comfort_musts": musts,
        "comfort_divisor": comfort_denominator(mentee),
        "kind": 0 if mentee.kind is None else 1 << KINDS.index(mentee.kind),
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
# Values only need to equal score_pair's as floats (e.g. 0.5 * a + 0.5 * b for a choice
# of 0, 0.5 and 1); the weighted sum must then run in the same order. Values are
# computed only for components with some weight: adding 0.0 * value changes no bit.
# np.where and fancy indexing are avoided on whole columns: they cost 5-10x a multiply.

Block = Mapping[str, Any]


def kernel(e: Block, r: Block, specialty: Callable[[], Array], weights: Weights) -> tuple[Array, Array]:
    """Scores in tenths of a point, and the hard-filter mask, for every pair of rows."""
    comfort: Any = 0.0
    excluded = _kind_excluded(e, r)
    if some(e["comfort_divisor"]):
        comfort, must_failed = _comfort(e, r)
        excluded = excluded | must_failed
    terms: tuple[tuple[str, Any, Callable[[], Any]], ...] = (
        ("specialty", weights.specialty * e["specialty_factor"], specialty),
        ("stage_fit", weights.stage_fit * e["guidance_factor"], lambda: _stage_fit(e, r)),
        ("goals", weights.goals * (e["goals_divisor"] > 0), lambda: _goals(e, r)),
        ("availability", weights.availability * (e["needed_hours"] > 0), lambda: _availability(e, r)),
        ("mode", weights.mode * (e["mode_count"] > 0), lambda: _mode(e, r)),
        ("language", weights.language * (e["extra_languages"] != 0), lambda: _language(e, r)),
        ("comfort", weights.comfort * (e["comfort_divisor"] > 0), lambda: comfort),
        ("mentor_preference", weights.mentor_preference * r["has_preferences"], lambda: _mentor_preference(e, r)),
        ("capacity", weights.capacity, lambda: r["capacity"]),
    )
    assert tuple(name for name, _, _ in terms) == COMPONENTS
    total: Any = 0.0
    denominator: Any = 0.0
    for _, weight, value in terms:
        if some(weight):
            total = total + weight * value() if np.ndim(total) == 0 else np.add(total, weight * value(), out=total)
        denominator = denominator + weight
    # Where the denominator is 0 so is the total: divide by 1 and score 0, as score_pair.
    safe = denominator + (denominator == 0) if isinstance(denominator, np.ndarray) else denominator or 1.0
    tenths = np.floor(100.0 * total / safe * 10.0 + 0.5)
    shape = np.broadcast_shapes(np.shape(e["id"]), np.shape(r["id"]))
    return np.broadcast_to(tenths, shape), np.broadcast_to(excluded, shape)


def _kind_excluded(e: Block, r: Block) -> Any:
    # Mentors offering every kind store all the kind bits, so one AND decides.
    if not some(e["kind"]):
        return False
    excluded = (r["kinds"] & e["kind"]) == 0
    return excluded & (e["kind"] != 0) if isinstance(e["kind"], np.ndarray) else excluded


def _stage_fit(e: Block, r: Block) -> Array:
    return np.minimum(1.0, np.bitwise_count(r["topics"] & e["guidance"]) / STAGE_FIT_SATURATION)


def _goals(e: Block, r: Block) -> Array:
    return np.minimum(1.0, np.bitwise_count(r["topics"] & e["topics"]) / np.maximum(e["goals_divisor"], 1))


def _availability(e: Block, r: Block) -> Array:
    shared = np.bitwise_count(e["hours_0"] & r["hours_0"])
    shared = shared + np.bitwise_count(e["hours_1"] & r["hours_1"])  # at most 168: fits the uint8
    shared = shared + np.bitwise_count(e["hours_2"] & r["hours_2"])
    return np.minimum(1.0, shared / np.maximum(e["needed_hours"], 1))


def _mode(e: Block, r: Block) -> Array:
    """Modes both want; in person only within the same region."""
    wanted = e["modes"] & r["modes"]
    count = np.bitwise_count(wanted & np.uint8(~_IN_PERSON & 0xFF))
    if some(e["modes"] & np.uint8(_IN_PERSON)):
        in_person = (wanted & np.uint8(_IN_PERSON)) != 0
        count = count + (in_person & (e["region"] == r["region"]) & (e["region"] > 0))
    return count / np.maximum(e["mode_count"], 1)


def _language(e: Block, r: Block) -> Array:
    # 1 when sharing a language beyond English, 0.5 for English only: the extra implies any.
    shares_any = (r["languages"] & e["languages"]) != 0
    shares_extra = (r["languages"] & e["extra_languages"]) != 0
    return 0.5 * shares_any + 0.5 * shares_extra


def _comfort(e: Block, r: Block) -> tuple[Any, Any]:
    """The comfort value, and where an unmet *must* excludes the pair."""
    total: Any = 0.0
    must_failed: Any = False
    for position, attribute in enumerate(BACKGROUND_ATTRIBUTES):
        weight = e["comfort_weights"][..., position]
        if not some(weight):
            continue
        matched = _attribute_matches(attribute, e, r)
        credit: Any = matched
        if attribute in SIMILAR_EXPERIENCE_PREFERENCES:
            credit = matched + SIMILAR_EXPERIENCE_CREDIT * (r["similar"] & ~matched)
        total = total + weight * credit
        musts = e["comfort_musts"][..., position]
        if some(musts):
            public = (r["public"] & np.uint16(1 << position)) != 0
            must_failed = must_failed | (musts & ~(matched & public))
    divisor = e["comfort_divisor"]
    return total / (divisor + (divisor == 0)), must_failed


def _attribute_matches(attribute: str, e: Block, r: Block) -> Any:
    if attribute == "gender_identity":
        return (e["gender"] == r["gender"]) & (e["gender"] != 0)
    if attribute == "race_ethnicity":
        return (e["race"] & r["race"]) != 0
    return (r["flags"] & np.uint8(1 << FLAG_ATTRIBUTES.index(attribute))) != 0


def _mentor_preference(e: Block, r: Block) -> Array:
    # met / parts, with parts 1 or 2: each met part is worth 1 / parts, exactly.
    share = r["preference_share"]
    stage_met = (r["preferred_stages"] & e["stage"]) != 0
    group_met = (r["preferred_groups"] & e["groups"]) != 0
    return stage_met * share + group_met * share


def some(value: Any) -> bool:
    """np.any without its Python overhead for the plain numbers of a single row."""
    return bool(value.any()) if isinstance(value, np.ndarray) else bool(value)

"""How well a mentor suits a mentee: a 0-100 score with human reasons (PRODUCT §5).

Pure: plain values in, numbers and sentences out; no ORM, no settings. The Django
adapter turns profiles into ``MenteeFeatures`` / ``MentorFeatures`` using the values in
``matching.scoring.vocabulary``, then calls ``score_pair`` or ``recommend.MentorIndex``, whose
kernel (``matching.scoring.kernel``) vectorises exactly this arithmetic: keep the two in step,
a property test compares them pair by pair. Reasons are written in ``matching.scoring.reasons``.

The score is a weighted mean of components, each in [0, 1], in ``COMPONENTS`` order:

- ``specialty``: best taxonomy alignment over mentee targets x mentor fields. Its
  weight is scaled by the mentee's stage (``SPECIALTY_STAGE_FACTOR``: premed 0.35,
  MS1-2 0.7, MS3-4 1.0, residents and fellows 1.25); with no target (undecided) there
  is nothing to align, so it has no weight and general guidance counts in full.
- ``stage_fit``: does the mentor help with the general guidance this stage needs
  (``STAGE_GUIDANCE``)? Two such topics earn full credit. Its weight runs the other
  way (``GUIDANCE_STAGE_FACTOR``: premed and undecided 1.0 ... residents 0.35).
- ``goals``: the mentee's goals the mentor helps with; three earn full credit.
- ``availability``: shared weekly hours, full credit at ``NEEDED_SHARED_HOURS``.
- ``mode``: share of the mentee's meeting modes the mentor offers (in person only
  within the same region).
- ``language``: counts only for a mentee who speaks a language beyond English: 1 for
  sharing one of those, 0.5 for sharing only English, 0 for no shared language.
- ``comfort``: the mentee's background preferences, by importance (nice 1, important
  2.5); "similar experience" earns half credit. A *must* is a hard filter.
- ``mentor_preference``: the mentor's preferred stages and mentee groups (two-sided).
- ``capacity``: the mentor's free places, (capacity - active) / capacity; 0 when not
  accepting.
- ``profession``: the mentor's profession against the one the mentee is heading for
  (``PROFESSION_FIT``): physicians for the physician-bound (DO mentors count fully for
  the DO-bound, MDs 0.75), PAs for PA students, and so on; for an MD/PhD mentee a quarter
  of it is a mentor's research doctorate. No weight for a mentee with no profession named.

A component whose effective weight is 0 (e.g. a mentee with no goals) is left out of
both the sum and the normalisation, so 100 means perfect on everything that counts.
Hard filters (``score_pair`` returns None): an unmet *must*, a kind the mentor does
not offer, and a near-peer mentor (``NEAR_PEER_PROFESSIONS``: a medical student, a
resident) with a mentee who is not at a premed stage - the request would be refused
anyway (``matching.services.near_peer.check_pair`` applies the same ``is_near_peer`` and
``is_premed``). Whether a program offers near-peer mentoring at all is the program's
choice, not the pair's: its directory and cohort runs leave those mentors out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

from matching.scoring import availability as av
from matching.scoring.alignment import own_route
from matching.scoring.vocabulary import (
    BACKGROUND_ATTRIBUTES,
    COMMON_LANGUAGE,
    FLAG_ATTRIBUTES,
    GENDER_IDENTITIES,
    IMPORTANCE,
    INTENDED_PROFESSIONS,
    KINDS,
    LANGUAGES,
    MODES,
    NEAR_PEER_PROFESSIONS,
    PHYSICIAN_PROFESSIONS,
    PREFERENCE_GROUPS,
    PREMED_STAGES,
    PROFESSIONS,
    RACE_ETHNICITIES,
    STAGES,
    TOPICS,
    VISIBILITY,
)

# --- Component tuning -------------------------------------------------------------------

COMPONENTS = (
    "specialty", "stage_fit", "goals", "availability", "mode",
    "language", "comfort", "mentor_preference", "capacity", "profession",
)  # fmt: skip
SPECIALTY_STAGE_FACTOR = {
    **dict.fromkeys(PREMED_STAGES, 0.35),
    "ms1": 0.7, "ms2": 0.7, "ms3": 1.0, "ms4": 1.0,
    "resident": 1.25, "fellow": 1.25, "allied_health": 0.7,
}  # fmt: skip
GUIDANCE_STAGE_FACTOR = {
    **dict.fromkeys(PREMED_STAGES, 1.0),
    "ms1": 0.7, "ms2": 0.7, "ms3": 0.5, "ms4": 0.5,
    "resident": 0.35, "fellow": 0.35, "allied_health": 0.7,
}  # fmt: skip
UNDECIDED_GUIDANCE_FACTOR = 1.0


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The general guidance each stage needs, whatever the mentee's stated goals.
_PREMED = _words("med_school_admissions personal_statement mock_interview specialty_choice career_planning")
_EARLY_MS = _words("specialty_choice board_exams research career_planning wellness")
_LATE_MS = _words("residency_applications specialty_choice personal_statement mock_interview career_planning")
STAGE_GUIDANCE: dict[str, frozenset[str]] = {
    **dict.fromkeys(PREMED_STAGES, _PREMED),
    "ms1": _EARLY_MS, "ms2": _EARLY_MS, "ms3": _LATE_MS, "ms4": _LATE_MS,
    "resident": _words("fellowship_applications career_planning research academic_medicine private_practice"),
    "fellow": _words("career_planning academic_medicine private_practice grant_writing leadership"),
    "allied_health": _words("career_planning clinical_skills networking specialty_choice leadership"),
}  # fmt: skip
STAGE_FIT_SATURATION = 2  # guidance topics for full stage-fit credit
GOALS_SATURATION = 3  # matched goals for full credit (a long wish list need not all match)
NEEDED_SHARED_HOURS = 3  # shared weekly hours for full availability credit
IMPORTANCE_WEIGHTS = {"none": 0.0, "nice": 1.0, "important": 2.5, "must": 2.5}
# A mentor from one of these groups faced difficulties like the mentee's: half credit
# when a preference for the groups in SIMILAR_EXPERIENCE_PREFERENCES is not met (§1).
SIMILAR_EXPERIENCE_GROUPS = ("first_generation", "urm", "international", "rural", "disability")
SIMILAR_EXPERIENCE_PREFERENCES = frozenset({"race_ethnicity", "urm", "first_generation", "international"})
SIMILAR_EXPERIENCE_CREDIT = 0.5

# Profession fit: how well a mentor's profession serves the profession a mentee is heading
# for (PRODUCT §5). A student bound for medical school meets physicians first; a DO-bound
# student gets credit for DO mentors; allied-health students meet their own profession,
# and the professions they work beside next. Unlisted pairs earn PROFESSION_ELSEWHERE.
# Near-peer mentors (a medical student, a resident) are on the physician's road a few steps ahead.
_NEAR_PEER = {"resident": 0.75, "medical_student": 0.5}
_PHYSICIAN = {**dict.fromkeys(("md", "do", "mbbs"), 1.0), **_NEAR_PEER}
PROFESSION_FIT: dict[str, dict[str, float]] = {
    "physician": _PHYSICIAN,
    "md": _PHYSICIAN,
    "do": {"do": 1.0, "md": 0.75, "mbbs": 0.75, **_NEAR_PEER},
    "pa": {"pa": 1.0, "md": 0.5, "do": 0.5, "mbbs": 0.5, "np": 0.5},
    "np": {"np": 1.0, "rn": 0.75, "pa": 0.5, "md": 0.5, "do": 0.5, "mbbs": 0.5},
    "nursing": {"rn": 1.0, "np": 1.0},
    "pharmacy": {"pharmd": 1.0},
    "pt_ot": {"dpt": 1.0, "ot": 1.0},
    "dentistry": {"dentist": 1.0},
}
# Physician-bound mentees: another profession earns nothing (it must rank below physicians
# of the same field); the allied-health professions keep a little for everyone else.
PROFESSION_ELSEWHERE = {"physician": 0.0, "md": 0.0, "do": 0.0}
PROFESSION_ELSEWHERE_DEFAULT = 0.25
PROFESSION_UNKNOWN = 0.25  # a mentor who has not said
RESEARCH_SHARE = 0.25  # of the profession component, for MD/PhD mentees: a research doctorate


# A smaller positive weight is refused: a total of such weights can be so small that
# ``to_tenths`` overflows to infinity and a score becomes NaN.
MIN_WEIGHT = 1e-6


@dataclass(frozen=True, slots=True)
class Weights:
    """A program's weight per component: non-negative, any scale (scores are normalised)."""

    specialty: float = 30.0
    stage_fit: float = 15.0
    goals: float = 15.0
    availability: float = 15.0
    mode: float = 7.0
    language: float = 8.0
    comfort: float = 12.0
    mentor_preference: float = 5.0
    capacity: float = 8.0
    profession: float = 10.0

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():
            if not (math.isfinite(value) and (value == 0 or value >= MIN_WEIGHT)):
                raise ValueError(f"weight {name} must be 0 or a finite number >= {MIN_WEIGHT}, not {value!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> Weights:
        """Weights from a program's stored mapping; missing components keep their default."""
        if unknown := set(values) - set(COMPONENTS):
            raise ValueError(f"unknown weight component(s): {sorted(unknown)}")
        return cls(**{name: float(value) for name, value in values.items()})

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


DEFAULT_WEIGHTS = Weights()


def is_near_peer(profession: str) -> bool:
    """Whether a mentor of this ``PROFESSIONS`` value is a near peer (a medical student, a resident)."""
    return profession in NEAR_PEER_PROFESSIONS


def is_premed(stage: str) -> bool:
    """Whether this ``STAGES`` value is a premed stage, the only one a near-peer mentor mentors."""
    return stage in PREMED_STAGES


def _check_in(what: str, values: Iterable[str | None], allowed: tuple[str, ...]) -> None:
    if unknown := sorted(map(str, set(values) - set(allowed))):
        raise ValueError(f"unknown {what}: {', '.join(map(repr, unknown))}")


def _check_mask(mask: int) -> None:
    if not 0 <= mask <= av.FULL_WEEK:
        raise ValueError("availability must be a 168-bit mask")


# --- Features: what the adapter builds from profiles ------------------------------------


@dataclass(frozen=True, slots=True)
class Background:
    """Optional background attributes; None / empty means not given (never matches).

    ``visibility`` maps an attribute name to ``private``, ``coordinators`` or
    ``everyone``; a missing entry is private. The scorer counts every attribute it is
    handed: callers hand it only what the reader may see (``matching.scoring.privacy``),
    and ``visibility`` then decides what a reason may name (only what everyone sees).
    """

    gender_identity: str | None = None
    race_ethnicity: frozenset[str] = frozenset()
    first_generation: bool | None = None
    urm: bool | None = None
    lgbtq: bool | None = None
    disability: bool | None = None
    rural: bool | None = None
    international: bool | None = None
    visibility: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_in("gender identity", {self.gender_identity} - {None}, GENDER_IDENTITIES)
        _check_in("race/ethnicity", self.race_ethnicity, RACE_ETHNICITIES)
        _check_in("background attribute", self.visibility.keys(), BACKGROUND_ATTRIBUTES)
        _check_in("visibility", self.visibility.values(), VISIBILITY)

    def is_public(self, attribute: str) -> bool:
        """Whether everyone may see ``attribute``, so a reason may name it."""
        return self.visibility.get(attribute) == "everyone"

    def has(self, flag: str) -> bool:
        return getattr(self, flag) is True

    def groups(self) -> frozenset[str]:
        """The ``PREFERENCE_GROUPS`` this person belongs to."""
        found = {flag for flag in FLAG_ATTRIBUTES if self.has(flag)}
        if self.gender_identity == "woman":
            found.add("women")
        return frozenset(found)

    def has_similar_experience(self) -> bool:
        return any(self.has(group) for group in SIMILAR_EXPERIENCE_GROUPS)


@dataclass(frozen=True, slots=True)
class MenteeFeatures:
    """A mentee profile as the scorer sees it.

    ``target_specialties`` are taxonomy slugs (empty = undecided); ``goals`` are TOPICS;
    ``kind`` is the kind of mentorship wanted (None = any); ``availability`` is a
    168-bit UTC mask (see ``availability.slots_to_utc_mask``), ``timezone`` the IANA
    name reasons are written in; ``comfort`` maps a BACKGROUND_ATTRIBUTES name to an
    IMPORTANCE ("the mentor shares my ..."). ``stage_given`` is False for a profile with
    no stage (or an unknown one): it is scored as ``stage`` says, but is not known to be
    premed, so no near-peer mentor is matched with it.
    ``current_specialty`` is the slug of the field a resident or fellow is training in ("" =
    none): a mentor holding it who is a route into a target counts ``alignment.OWN_ROUTE``,
    and a target equal to it is worded "your specialty".
    """

    id: int
    stage: str
    target_specialties: tuple[str, ...] = ()
    current_specialty: str = ""
    goals: frozenset[str] = frozenset()
    kind: str | None = None
    availability: int = 0
    timezone: str = "UTC"
    modes: frozenset[str] = frozenset()
    region: str = ""
    languages: frozenset[str] = frozenset({COMMON_LANGUAGE})
    background: Background = Background()
    comfort: Mapping[str, str] = field(default_factory=dict)
    profession: str = ""  # an INTENDED_PROFESSIONS value; "" = not decided
    md_phd: bool = False  # on the MD/PhD (physician-scientist) path
    stage_given: bool = True

    def __post_init__(self) -> None:
        _check_in("stage", {self.stage}, STAGES)
        _check_in("intended profession", {self.profession} - {""}, INTENDED_PROFESSIONS)
        _check_in("goal", self.goals, TOPICS)
        _check_in("kind", {self.kind} - {None}, KINDS)
        _check_in("mode", self.modes, MODES)
        _check_in("language", self.languages, LANGUAGES)
        _check_in("comfort attribute", self.comfort.keys(), BACKGROUND_ATTRIBUTES)
        _check_in("importance", self.comfort.values(), IMPORTANCE)
        _check_mask(self.availability)

    @property
    def is_premed(self) -> bool:
        """At a premed stage (``PREMED_STAGES``), as far as anyone knows: near-peer mentors mentor only these."""
        return self.stage_given and is_premed(self.stage)


@dataclass(frozen=True, slots=True)
class MentorFeatures:
    """A mentor profile as the scorer sees it.

    ``specialties`` are taxonomy slugs (specialty and subspecialties); ``topics`` are
    the TOPICS they help with; ``kinds`` offered (empty = every kind);
    ``preferred_stages`` / ``preferred_groups`` are who they especially want to mentor
    (empty = no preference); ``active`` counts their active mentorships.
    """

    id: int
    specialties: tuple[str, ...] = ()
    topics: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    availability: int = 0
    timezone: str = "UTC"
    modes: frozenset[str] = frozenset()
    region: str = ""
    languages: frozenset[str] = frozenset({COMMON_LANGUAGE})
    background: Background = Background()
    preferred_stages: frozenset[str] = frozenset()
    preferred_groups: frozenset[str] = frozenset()
    capacity: int = 0
    active: int = 0
    accepting: bool = True
    profession: str = ""  # a PROFESSIONS value; "" = not given
    research_doctorate: bool = False  # a PhD or another research doctorate as well
    verified_at: float = math.inf  # POSIX seconds; ties rank the earlier verified first

    def __post_init__(self) -> None:
        _check_in("topic", self.topics, TOPICS)
        _check_in("profession", {self.profession} - {""}, PROFESSIONS)
        _check_in("kind", self.kinds, KINDS)
        _check_in("mode", self.modes, MODES)
        _check_in("language", self.languages, LANGUAGES)
        _check_in("preferred stage", self.preferred_stages, STAGES)
        _check_in("preferred group", self.preferred_groups, PREFERENCE_GROUPS)
        _check_mask(self.availability)
        if self.capacity < 0 or self.active < 0:
            raise ValueError("capacity and active must be >= 0")

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.active)

    def free_places(self, *, max_load: int | None = None) -> int:
        """Places left under capacity, capped by ``max_load`` (a cohort run's cap); ``MentorProfile.free_places``."""
        cap = self.capacity if max_load is None else min(self.capacity, max_load)
        return max(0, cap - self.active)

    @property
    def open_places(self) -> int:
        """Places a request could take now: none while not accepting. The first tie-break."""
        return self.remaining if self.accepting else 0

    @property
    def is_physician(self) -> bool:
        return self.profession in PHYSICIAN_PROFESSIONS

    @property
    def is_near_peer(self) -> bool:
        """A medical student or resident: mentors premeds only, in programs that offer it."""
        return is_near_peer(self.profession)

    @property
    def is_open(self) -> bool:
        """Accepting and not full: only open mentors are recommended."""
        return self.accepting and self.remaining > 0


# --- Result ---------------------------------------------------------------------------

Audience = Literal["mentee", "mentor"]
Alignment = Callable[[str, str], float]
ReasonFor = Callable[[str, str, "Audience"], str]  # (target, mentor field, reader) -> text


@dataclass(frozen=True, slots=True)
class Reason:
    """One human reason: ``points`` is its share of the 0-100 score."""

    code: str  # "specialty", "comfort.gender_identity", ... - never names a hidden attribute
    text: str
    component: str
    points: float


@dataclass(frozen=True, slots=True)
class Match:
    score: float  # 0-100, one decimal
    components: dict[str, float]  # value in [0, 1] of each component with weight > 0
    reasons: list[Reason]  # best first


def no_alignment(a: str, b: str) -> float:
    """Alignment when no taxonomy is wired in: a field matches only itself."""
    return 1.0 if a == b else 0.0


# --- The score ----------------------------------------------------------------------------


def score_pair(
    mentee: MenteeFeatures,
    mentor: MentorFeatures,
    weights: Weights = DEFAULT_WEIGHTS,
    alignment: Alignment = no_alignment,
    *,
    reason_for: ReasonFor | None = None,
    audience: Audience = "mentee",
    explain: bool = True,
) -> Match | None:
    """The match of ``mentee`` and ``mentor``, or None when a hard filter excludes it.

    ``alignment(target, mentor_field)`` grades two taxonomy slugs in [0, 1];
    ``reason_for(target, mentor_field, audience)`` words the best pair for its reader, e.g.
    "Same certificate: ..." (``accounts.taxonomy.Taxonomy.alignment_reason``).
    ``audience`` is who reads the reasons: each side sees the other's background named
    only where the other made it visible to everyone. ``explain=False`` skips reasons.
    """
    if is_excluded(mentee, mentor):
        return None
    weight = effective_weights(mentee, mentor, weights)
    value = component_values(mentee, mentor, alignment)
    total = 0.0
    denominator = 0.0
    for name in COMPONENTS:  # the order matters: _kernel.py sums in the same order
        total += weight[name] * value[name]
        denominator += weight[name]
    score = math.floor(total * to_tenths(denominator) + 0.5) / 10.0
    counted = {name: value[name] for name in COMPONENTS if weight[name] > 0}
    if not explain or denominator == 0:
        return Match(score, counted, [])
    points = {name: 100.0 * weight[name] * value[name] / denominator for name in counted}
    from matching.scoring import reasons  # here, not at the top: reasons.py imports this module

    found = reasons.explain(mentee, mentor, points, alignment=alignment, reason_for=reason_for, audience=audience)
    return Match(score, counted, found)


def to_tenths(denominator: float) -> float:
    """The factor from a weighted total to tenths of a point (0 when nothing is weighted).

    One multiplication per pair, and _kernel.py uses the very same float.
    """
    return 1000.0 / denominator if denominator else 0.0


def is_excluded(mentee: MenteeFeatures, mentor: MentorFeatures) -> bool:
    """The hard filters: a kind the mentor does not offer, a near peer with a mentee not premed, an unmet *must*."""
    if mentee.kind is not None and mentor.kinds and mentee.kind not in mentor.kinds:
        return True
    if mentor.is_near_peer and not mentee.is_premed:
        return True
    return any(term.importance == "must" and not term.passes_must for term in comfort_terms(mentee, mentor))


def effective_weights(mentee: MenteeFeatures, mentor: MentorFeatures, weights: Weights) -> dict[str, float]:
    """Each component's weight for this pair: 0 where there is nothing to judge."""
    has_preferences = bool(mentor.preferred_stages or mentor.preferred_groups)
    return {
        "specialty": weights.specialty * specialty_factor(mentee),
        "stage_fit": weights.stage_fit * guidance_factor(mentee),
        "goals": weights.goals if mentee.goals else 0.0,
        "availability": weights.availability if mentee.availability else 0.0,
        "mode": weights.mode if mentee.modes else 0.0,
        "language": weights.language if mentee.languages - {COMMON_LANGUAGE} else 0.0,
        "comfort": weights.comfort if comfort_denominator(mentee) > 0 else 0.0,
        "mentor_preference": weights.mentor_preference if has_preferences else 0.0,
        "capacity": weights.capacity,
        "profession": weights.profession * profession_factor(mentee),
    }


def specialty_factor(mentee: MenteeFeatures) -> float:
    """How much specialty counts at the mentee's stage; nothing to align when undecided."""
    return SPECIALTY_STAGE_FACTOR[mentee.stage] if mentee.target_specialties else 0.0


def heading_for(stage: str, stated: str) -> str:
    """The profession a mentee is heading for: the one stated (an INTENDED_PROFESSIONS value),
    else "physician" for every stage on the road to medicine (premed, medical school,
    residency, fellowship), else "" (an allied-health student who has not said: undecided)."""
    if stated:
        return stated
    return "" if stage == "allied_health" else "physician"


def profession_factor(mentee: MenteeFeatures) -> float:
    """1 when the mentee named a profession the table knows; "other" or undecided: nothing to judge."""
    return 1.0 if mentee.profession in PROFESSION_FIT else 0.0


def profession_fit(intended: str, md_phd: bool, profession: str, research_doctorate: bool) -> float:
    """The profession component for one (mentee path, mentor profession) pair, in [0, 1].

    The kernel tabulates this very function per mentee, so both give the same floats.
    """
    if intended not in PROFESSION_FIT:
        return 0.0
    if not profession:
        base = PROFESSION_UNKNOWN
    else:
        base = PROFESSION_FIT[intended].get(
            profession, PROFESSION_ELSEWHERE.get(intended, PROFESSION_ELSEWHERE_DEFAULT)
        )
    if not md_phd:
        return base
    return (1.0 - RESEARCH_SHARE) * base + (RESEARCH_SHARE if research_doctorate else 0.0)


def guidance_factor(mentee: MenteeFeatures) -> float:
    """How much general guidance counts: most for premed and undecided mentees."""
    return GUIDANCE_STAGE_FACTOR[mentee.stage] if mentee.target_specialties else UNDECIDED_GUIDANCE_FACTOR


def component_values(mentee: MenteeFeatures, mentor: MentorFeatures, alignment: Alignment) -> dict[str, float]:
    return {
        "specialty": best_alignment(mentee, mentor, alignment)[0],
        "stage_fit": min(1.0, len(mentor.topics & STAGE_GUIDANCE[mentee.stage]) / STAGE_FIT_SATURATION),
        "goals": goals_value(mentee, mentor),
        "availability": availability_value(mentee, mentor),
        "mode": len(usable_modes(mentee, mentor)) / len(mentee.modes) if mentee.modes else 0.0,
        "language": language_value(mentee, mentor),
        "comfort": comfort_value(mentee, mentor),
        "mentor_preference": mentor_preference_value(mentee, mentor),
        "capacity": mentor.remaining / mentor.capacity if mentor.accepting and mentor.capacity else 0.0,
        "profession": profession_fit(mentee.profession, mentee.md_phd, mentor.profession, mentor.research_doctorate),
    }


def best_alignment(mentee: MenteeFeatures, mentor: MentorFeatures, alignment: Alignment) -> tuple[float, str, str]:
    """The best (value, target, mentor field); the first of equals wins ("" when either side has none).

    A mentor field that is the mentee's own current specialty is lifted by ``own_route``.
    """
    best: tuple[float, str, str] | None = None
    for target in mentee.target_specialties:
        for own in mentor.specialties:
            value = min(1.0, max(0.0, alignment(target, own)))
            if own == mentee.current_specialty:
                value = own_route(value)
            if best is None or value > best[0]:
                best = (value, target, own)
    return best or (0.0, "", "")


def goals_value(mentee: MenteeFeatures, mentor: MentorFeatures) -> float:
    if not mentee.goals:
        return 0.0
    return min(1.0, len(mentee.goals & mentor.topics) / min(len(mentee.goals), GOALS_SATURATION))


def availability_value(mentee: MenteeFeatures, mentor: MentorFeatures) -> float:
    own = av.hours(mentee.availability)
    if not own:
        return 0.0
    return min(1.0, av.hours(mentee.availability & mentor.availability) / min(own, NEEDED_SHARED_HOURS))


def usable_modes(mentee: MenteeFeatures, mentor: MentorFeatures) -> frozenset[str]:
    """Modes both want; in person only when they share a region."""
    shared = mentee.modes & mentor.modes
    if not (mentee.region and mentee.region == mentor.region):
        shared -= {"in_person"}
    return shared


def language_value(mentee: MenteeFeatures, mentor: MentorFeatures) -> float:
    if mentee.languages - {COMMON_LANGUAGE} & mentor.languages:
        return 1.0
    return 0.5 if mentee.languages & mentor.languages else 0.0


def mentor_preference_value(mentee: MenteeFeatures, mentor: MentorFeatures) -> float:
    met, parts = mentor_preference_parts(mentee, mentor)
    return met / parts if parts else 0.0


def mentor_preference_parts(mentee: MenteeFeatures, mentor: MentorFeatures) -> tuple[float, int]:
    """(preferences met, preferences stated): stages and groups, one part each."""
    met, parts = 0.0, 0
    if mentor.preferred_stages:
        parts += 1
        met += 1.0 if mentee.stage in mentor.preferred_stages else 0.0
    if mentor.preferred_groups:
        parts += 1
        met += 1.0 if mentee.background.groups() & mentor.preferred_groups else 0.0
    return met, parts


# --- Comfort ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComfortTerm:
    """One comfort preference of a mentee, judged against one mentor."""

    attribute: str
    importance: str
    weight: float
    matched: bool
    similar: bool  # not matched, but the mentor shares a similar experience
    passes_must: bool  # matched on an attribute the mentor shows to everyone

    @property
    def credit(self) -> float:
        return 1.0 if self.matched else SIMILAR_EXPERIENCE_CREDIT if self.similar else 0.0


def comfort_preferences(mentee: MenteeFeatures) -> list[tuple[str, str]]:
    """The (attribute, importance) pairs that can be judged, in BACKGROUND_ATTRIBUTES order.

    "Shares my gender identity" needs the mentee's own; a flag needs nothing.
    """
    if not mentee.comfort:
        return []  # the common case, and this runs for every pair
    own = mentee.background
    found = []
    for attribute in BACKGROUND_ATTRIBUTES:
        importance = mentee.comfort.get(attribute, "none")
        if importance == "none":
            continue
        if attribute == "gender_identity" and own.gender_identity is None:
            continue
        if attribute == "race_ethnicity" and not own.race_ethnicity:
            continue
        found.append((attribute, importance))
    return found


def comfort_denominator(mentee: MenteeFeatures) -> float:
    total = 0.0
    for _, importance in comfort_preferences(mentee):
        total += IMPORTANCE_WEIGHTS[importance]
    return total


def comfort_terms(mentee: MenteeFeatures, mentor: MentorFeatures) -> list[ComfortTerm]:
    """Each judged preference against ``mentor``.

    A *must* is a filter, and PRODUCT §5 forbids filters on private attributes (the
    excluded set would reveal them): only an attribute the mentor shows to everyone can
    satisfy it. A private match still earns credit wherever the filter is not involved.
    """
    theirs = mentor.background
    terms = []
    for attribute, importance in comfort_preferences(mentee):
        matched = attribute_matches(attribute, mentee.background, theirs)
        similar = not matched and attribute in SIMILAR_EXPERIENCE_PREFERENCES and theirs.has_similar_experience()
        passes = matched and theirs.is_public(attribute)
        terms.append(ComfortTerm(attribute, importance, IMPORTANCE_WEIGHTS[importance], matched, similar, passes))
    return terms


def attribute_matches(attribute: str, own: Background, theirs: Background) -> bool:
    if attribute == "gender_identity":
        return own.gender_identity is not None and theirs.gender_identity == own.gender_identity
    if attribute == "race_ethnicity":
        return bool(own.race_ethnicity & theirs.race_ethnicity)
    return theirs.has(attribute)


def comfort_value(mentee: MenteeFeatures, mentor: MentorFeatures) -> float:
    denominator = comfort_denominator(mentee)
    if not denominator:
        return 0.0
    total = 0.0
    for term in comfort_terms(mentee, mentor):
        total += term.weight * term.credit
    return total / denominator

"""The bridge from profiles in the database to the pure scoring and recommendation code.

Each process keeps the program's mentors and mentees as in-memory NumPy indexes
(``matching/recommend.py``), so the directory is ranked on every page view without
touching the database for scores. Any change that can move a score — a profile, a
background attribute, the taxonomy, a program's weights, a mentorship starting or
ending (remaining capacity) — bumps a version number in the shared cache after commit;
every process compares versions on its next read and rebuilds from the database.
A rebuild is also forced after ``MAX_AGE`` seconds, in case the cache was down when a
version was bumped.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q

from accounts import taxonomy
from accounts.models import Background, Family, MenteeProfile, MentorProfile, Program, Specialty, User
from matching import scoring
from matching.models import Mentorship
from matching.scoring.availability import slots_to_utc_mask
from matching.scoring.index import MenteeIndex, MentorIndex, SpecialtySpace
from matching.scoring.vocabulary import (
    KINDS,
    LANGUAGES,
    MODES,
    PREFERENCE_GROUPS,
    STAGES,
    TOPICS,
)

logger = logging.getLogger(__name__)

VERSION_KEY = "matching:index-version"
MAX_AGE = 300.0


# --- Features ---------------------------------------------------------------------------


def _only(values: Any, allowed: tuple[str, ...]) -> frozenset[str]:
    """The known values of a JSON list field; anything else is ignored, never fatal."""
    return frozenset(v for v in (values or ()) if v in allowed)


def _mask(availability: list[dict[str, Any]], tz_name: str) -> int:
    slots = [(slot["day"], slot["start"], slot["end"]) for slot in availability or ()]
    try:
        return slots_to_utc_mask(slots, tz_name)
    except ValueError:
        return slots_to_utc_mask(slots, "UTC")


def background_features(rows: list[Background]) -> scoring.Background:
    values: dict[str, Any] = {}
    visibility: dict[str, str] = {}
    for row in rows:
        if row.attribute == Background.Attribute.RACE_ETHNICITY:
            values[row.attribute] = frozenset(row.value or ())
        else:
            values[row.attribute] = row.value
        visibility[row.attribute] = row.visibility
    return scoring.Background(**values, visibility=visibility)


def mentee_features(profile: MenteeProfile) -> scoring.MenteeFeatures:
    """Features of a mentee; expects ``user__background`` and ``target_specialties`` prefetched."""
    user = profile.user
    kinds = _only(profile.kinds, KINDS)
    comfort = {
        attribute: importance
        for attribute, importance in (profile.comfort_preferences or {}).items()
        if attribute in Background.Attribute.values and importance in scoring.IMPORTANCE_WEIGHTS
    }
    return scoring.MenteeFeatures(
        id=user.pk,
        stage=profile.stage if profile.stage in STAGES else "undergraduate",
        target_specialties=tuple(s.slug for s in profile.target_specialties.all()),
        goals=_only(profile.topics, TOPICS),
        kind=next(iter(kinds)) if len(kinds) == 1 else None,
        availability=_mask(profile.availability, user.timezone),
        timezone=user.timezone,
        modes=_only(profile.meeting_modes, MODES),
        region=profile.region,
        languages=_only(profile.languages, LANGUAGES) or frozenset({"en"}),
        background=background_features(list(user.background.all())),
        comfort=comfort,
    )


def mentor_features(profile: MentorProfile, *, active: int) -> scoring.MentorFeatures:
    """Features of a mentor; expects ``user__background``, ``subspecialties`` and ``specialty`` loaded."""
    user = profile.user
    specialties = [profile.specialty.slug] if profile.specialty else []
    specialties += [s.slug for s in profile.subspecialties.all()]
    return scoring.MentorFeatures(
        id=user.pk,
        specialties=tuple(specialties),
        topics=_only(profile.topics, TOPICS),
        kinds=_only(profile.kinds, KINDS),
        availability=_mask(profile.availability, user.timezone),
        timezone=user.timezone,
        modes=_only(profile.meeting_modes, MODES),
        region=profile.region,
        languages=_only(profile.languages, LANGUAGES) or frozenset({"en"}),
        background=background_features(list(user.background.all())),
        preferred_stages=_only(profile.preferred_stages, STAGES),
        preferred_groups=_only(profile.preferred_groups, PREFERENCE_GROUPS),
        capacity=profile.capacity,
        active=active,
        accepting=profile.is_accepting(),
    )


def mentor_profiles() -> Any:
    return (
        MentorProfile.objects.verified()
        .select_related("user", "specialty")
        .prefetch_related("subspecialties", "user__background")
        .annotate(active=Count("user__mentorships_as_mentor", filter=Q(user__mentorships_as_mentor__status="active")))
    )


def mentee_profiles() -> Any:
    return (
        MenteeProfile.objects.filter(user__is_active=True)
        .select_related("user")
        .prefetch_related("target_specialties", "user__background")
    )


# --- The taxonomy as the admin left it ----------------------------------------------------


def load_taxonomy() -> taxonomy.Taxonomy:
    """The taxonomy from the database (coordinators may edit it), in the pure module's shape."""
    families = tuple(taxonomy.Family(f.slug, f.name) for f in Family.objects.order_by("pk"))
    rows = list(Specialty.objects.select_related("parent").prefetch_related("families", "related"))
    nodes = tuple(
        taxonomy.Node(
            slug=s.slug,
            name=s.name,
            board=str(s.board_id),
            parent=s.parent.slug if s.parent else None,
            families=frozenset(f.slug for f in s.families.all()),
            label=s.label,
        )
        for s in rows
    )
    related = {s.slug: frozenset(r.slug for r in s.related.all()) for s in rows}
    links = tuple(sorted({(min(a, b), max(a, b)) for a, others in related.items() for b in others}))
    return taxonomy.Taxonomy(
        boards=(),
        families=families,
        nodes=nodes,
        links=links,
        _by_slug={node.slug: node for node in nodes},
        _related=related,
    )


def specialty_space() -> SpecialtySpace:
    return SpecialtySpace.from_taxonomy(load_taxonomy())


# --- The per-process directory ---------------------------------------------------------------


@dataclass
class Directory:
    version: int
    built_at: float
    space: SpecialtySpace
    weights: scoring.Weights
    mentors: MentorIndex
    mentees: MenteeIndex


_lock = threading.Lock()
_directory: Directory | None = None


def current_version() -> int:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY, 1)
    except Exception:  # a dead cache must not take the directory down
        logger.warning("matching: cache unreachable; index freshness falls back to MAX_AGE")
        return -1
    return int(version)


def _bump() -> None:
    global _directory
    try:
        if not cache.add(VERSION_KEY, 2, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:
        logger.warning("matching: could not bump the index version; processes refresh within MAX_AGE")
    _directory = None  # this process rebuilds at once, whatever the cache says


def invalidate() -> None:
    """Mark every process's indexes stale, once the current transaction commits.

    One bump per transaction, however many rows it saves (a bulk delete of demo people
    would otherwise bump thousands of times).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


def build_directory(version: int) -> Directory:
    started = time.perf_counter()
    space = specialty_space()
    weights = program_weights(Program.objects.default())
    mentors = MentorIndex.build(
        (mentor_features(p, active=p.active) for p in mentor_profiles()), space=space, weights=weights
    )
    mentees = MenteeIndex.build((mentee_features(p) for p in mentee_profiles()), space=space, weights=weights)
    logger.info(
        "matching: built indexes of %d mentors and %d mentees in %.0f ms",
        len(mentors),
        len(mentees),
        1000 * (time.perf_counter() - started),
    )
    return Directory(version, time.monotonic(), space, weights, mentors, mentees)


def directory() -> Directory:
    """This process's indexes, rebuilt when stale."""
    global _directory
    version = current_version()
    found = _directory
    if found is not None and found.version == version and time.monotonic() - found.built_at < MAX_AGE:
        return found
    with _lock:
        found = _directory
        if found is None or found.version != version or time.monotonic() - found.built_at >= MAX_AGE:
            found = _directory = build_directory(version)
        return found


def program_weights(program: Program) -> scoring.Weights:
    try:
        return scoring.Weights.from_mapping(program.weights or {})
    except (TypeError, ValueError):
        logger.warning("matching: program %s has invalid weights; using the defaults", program.pk)
        return scoring.DEFAULT_WEIGHTS


# --- What views call -----------------------------------------------------------------------


def features_of_mentee(user: User) -> scoring.MenteeFeatures:
    """The mentee's features, fresh from the database (their own edits show at once)."""
    return mentee_features(mentee_profiles().get(user=user))


def features_of_mentor(user: User) -> scoring.MentorFeatures:
    profile = (
        MentorProfile.objects.filter(user=user)
        .select_related("user", "specialty")
        .prefetch_related("subspecialties", "user__background")
        .get()
    )
    return mentor_features(profile, active=Mentorship.objects.active().filter(mentor=user).count())


def rank_mentors(
    mentee: User, *, allowed_ids: set[int] | None = None, include_full: bool = False
) -> tuple[list[int], list[float]]:
    """Every mentor for this mentee, best first, as (user ids, scores)."""
    ids, scores = directory().mentors.rank_mentors(
        features_of_mentee(mentee), allowed_ids=allowed_ids, include_full=include_full
    )
    return ids.tolist(), scores.tolist()


def explain_mentors(mentee: User, mentor_ids: list[int]) -> dict[int, scoring.Match]:
    """The full match, reasons worded for the mentee, for each of a page of mentors."""
    found = directory()
    features = features_of_mentee(mentee)
    matches = {}
    for mentor_id in mentor_ids:
        if mentor_id in found.mentors:
            match = found.mentors.explain(features, mentor_id)
            if match is not None:
                matches[mentor_id] = match
    return matches


def suggest_mentees(mentor: User, *, k: int = 20) -> list[tuple[int, scoring.Match]]:
    """The best mentees for this mentor, reasons worded for the mentor."""
    found = directory()
    recommendations = found.mentees.top_mentees(features_of_mentor(mentor), k)
    return [(r.id, r.match) for r in recommendations]


def score_of(mentee: User, mentor: User) -> float | None:
    found = directory()
    if mentor.pk not in found.mentors:
        return None
    match = found.mentors.explain(features_of_mentee(mentee), mentor.pk)
    return match.score if match else None

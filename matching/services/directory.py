"""The bridge from profiles in the database to the pure scoring and recommendation code.

Each process keeps, per program, that program's mentors and mentees as in-memory NumPy
indexes (``matching.scoring.index``) scored with that program's weights, so the directory
is ranked on every page view without touching the database for scores. A person may be
in several programs: they have a row in each program's indexes.

Freshness comes from a change feed in the database (``IndexChange``): every change that
can move a score (a profile, a background attribute, a membership, a mentorship starting
or ending, a program's weights, the taxonomy) writes a row in its own transaction. Each
process reads the feed at most every ``POLL_SECONDS`` (and at once after its own
changes) and applies it: a changed person is reloaded and updated or removed in every
loaded index, O(changed rows); new weights are swapped in; only a taxonomy change (or a
new day, or a new process) builds indexes from scratch. So a directory read reflects
every change committed ``POLL_SECONDS`` before it, whether Redis is up or not.

Privacy by construction (``matching.scoring.privacy``): every feature built here is
projected for a reader, chosen by the caller. The shared indexes hold every person as
*another* person may know them (background shared with everyone, no comfort preferences,
no preferred groups); the one asking is projected as the *owner*; cohort runs project both
sides for *coordinators*. A program's attributes switched off for matching count for no one.

A program that does not offer near-peer mentoring (``MentoringPolicy.near_peer`` off) has
no near-peer mentors in its mentor index and suggests no mentees to them; switching the
policy writes a program row to the feed, which rebuilds that program's indexes.
"""

from __future__ import annotations

import datetime
import logging
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts import taxonomy
from accounts.models import (
    Background,
    ClinicalDomain,
    Family,
    Membership,
    MenteeProfile,
    MentorProfile,
    Program,
    Specialty,
    User,
)
from matching import scoring
from matching.models import IndexChange, Mentorship
from matching.scoring.availability import slots_to_utc_mask
from matching.scoring.index import MenteeIndex, MentorIndex, SpecialtySpace
from matching.scoring.privacy import Viewer, mentee_for, mentor_for, switched_off
from matching.scoring.vocabulary import (
    INTENDED_PROFESSIONS,
    KINDS,
    LANGUAGES,
    MODES,
    PREFERENCE_GROUPS,
    PROFESSIONS,
    STAGES,
    TOPICS,
)
from matching.services.near_peer import offers_near_peer

logger = logging.getLogger(__name__)


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


class BackgroundRow(NamedTuple):
    """A ``Background`` row as flat values (bulk loading reads these, not model instances)."""

    attribute: str
    value: Any
    visibility: str


def background_features(rows: Iterable[Background | BackgroundRow]) -> scoring.Background:
    values: dict[str, Any] = {}
    visibility: dict[str, str] = {}
    for row in rows:
        if row.attribute == Background.Attribute.RACE_ETHNICITY:
            values[row.attribute] = frozenset(row.value or ())
        else:
            values[row.attribute] = row.value
        visibility[row.attribute] = row.visibility
    return scoring.Background(**values, visibility=visibility)


def mentee_features(
    profile: MenteeProfile,
    *,
    viewer: Viewer,
    off: frozenset[str] = frozenset(),
    targets: Sequence[str] | None = None,
    background: Sequence[BackgroundRow] | None = None,
) -> scoring.MenteeFeatures:
    """Features of a mentee as ``viewer`` may know them, without the attributes in ``off``.

    Expects ``user__background`` and ``target_specialties`` prefetched, unless ``targets``
    (slugs) and ``background`` are given (``load_mentees``)."""
    user = profile.user
    kinds = _only(profile.kinds, KINDS)
    comfort = {
        attribute: importance
        for attribute, importance in (profile.comfort_preferences or {}).items()
        if attribute in Background.Attribute.values and importance in scoring.IMPORTANCE_WEIGHTS
    }
    targets = tuple(targets) if targets is not None else tuple(s.slug for s in profile.target_specialties.all())
    current = ""
    if profile.stage in MenteeProfile.IN_TRAINING and profile.current_specialty:
        current = profile.current_specialty.slug
    if not targets and current:
        # A resident or fellow with no fellowship in view is aiming to grow in their own field.
        targets = (current,)
    stage = profile.stage if profile.stage in STAGES else "undergraduate"
    features = scoring.MenteeFeatures(
        id=user.pk,
        stage=stage,
        stage_given=profile.stage in STAGES,  # no stage: not known to be premed (near peers)
        target_specialties=targets,
        current_specialty=current,
        goals=_only(profile.topics, TOPICS),
        kind=next(iter(kinds)) if len(kinds) == 1 else None,
        availability=_mask(profile.availability, user.timezone),
        timezone=user.timezone,
        modes=_only(profile.meeting_modes, MODES),
        region=profile.region,
        languages=_only(profile.languages, LANGUAGES) or frozenset({"en"}),
        background=background_features(background if background is not None else user.background.all()),
        comfort=comfort,
        profession=scoring.heading_for(
            stage, profile.intended_profession if profile.intended_profession in INTENDED_PROFESSIONS else ""
        ),
        md_phd=profile.md_phd,
    )
    return mentee_for(features, viewer, off)


def mentor_features(
    profile: MentorProfile,
    *,
    active: int,
    viewer: Viewer,
    off: frozenset[str] = frozenset(),
    subspecialties: Sequence[str] | None = None,
    background: Sequence[BackgroundRow] | None = None,
) -> scoring.MentorFeatures:
    """Features of a mentor as ``viewer`` may know them, without the attributes in ``off``.

    Expects ``user__background``, ``subspecialties`` and ``specialty`` loaded, unless
    ``subspecialties`` (slugs) and ``background`` are given (``load_mentors``)."""
    user = profile.user
    specialties = [profile.specialty.slug] if profile.specialty else []
    if subspecialties is not None:
        specialties += subspecialties
    else:
        specialties += [s.slug for s in profile.subspecialties.all()]
    features = scoring.MentorFeatures(
        id=user.pk,
        specialties=tuple(specialties),
        topics=_only(profile.topics, TOPICS),
        kinds=_only(profile.kinds, KINDS),
        availability=_mask(profile.availability, user.timezone),
        timezone=user.timezone,
        modes=_only(profile.meeting_modes, MODES),
        region=profile.region,
        languages=_only(profile.languages, LANGUAGES) or frozenset({"en"}),
        background=background_features(background if background is not None else user.background.all()),
        preferred_stages=_only(profile.preferred_stages, STAGES),
        preferred_groups=_only(profile.preferred_groups, PREFERENCE_GROUPS),
        capacity=profile.capacity,
        active=active,
        accepting=profile.is_accepting(),
        profession=profile.profession if profile.profession in PROFESSIONS else "",
        research_doctorate=profile.research_doctorate,
        verified_at=profile.verified_at.timestamp() if profile.verified_at else math.inf,
    )
    return mentor_for(features, viewer, off)


def mentor_profiles() -> Any:
    return (
        MentorProfile.objects.verified()
        .select_related("user", "specialty")
        .prefetch_related("subspecialties", "user__background")
        .with_active_count()
    )


def mentee_profiles() -> Any:
    return (
        MenteeProfile.objects.visible()
        .select_related("user", "current_specialty")
        .prefetch_related("target_specialties", "user__background")
    )


def _backgrounds(user_ids: Sequence[int]) -> dict[int, list[BackgroundRow]]:
    found: dict[int, list[BackgroundRow]] = defaultdict(list)
    rows = Background.objects.filter(user_id__in=user_ids).values_list("user_id", "attribute", "value", "visibility")
    for user_id, attribute, value, visibility in rows:
        found[user_id].append(BackgroundRow(attribute, value, visibility))
    return found


def load_mentors(
    user_ids: Sequence[int], *, viewer: Viewer, off: frozenset[str] = frozenset()
) -> dict[int, scoring.MentorFeatures]:
    """Features of the verified, active mentors among ``user_ids`` as ``viewer`` may know them, by user id, in bulk.

    Flat queries per ``CHUNK`` people (profiles with user and specialty, subspecialty slugs,
    background values, active mentorship counts) instead of model instances per related
    row: what the index builds, the change feed and cohort runs load.
    """
    found: dict[int, scoring.MentorFeatures] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        subspecialties: dict[int, list[str]] = defaultdict(list)
        through = MentorProfile.subspecialties.through.objects.filter(mentorprofile__user_id__in=chunk)
        for user_id, slug in through.order_by("specialty__name", "specialty_id").values_list(
            "mentorprofile__user_id", "specialty__slug"
        ):
            subspecialties[user_id].append(slug)
        active = dict(
            Mentorship.objects.active()
            .filter(mentor_id__in=chunk)
            .values("mentor_id")
            .annotate(n=Count("id"))
            .values_list("mentor_id", "n")
        )
        backgrounds = _backgrounds(chunk)
        for profile in MentorProfile.objects.verified().filter(user_id__in=chunk).select_related("user", "specialty"):
            user_id = profile.user_id
            found[user_id] = mentor_features(
                profile,
                active=active.get(user_id, 0),
                viewer=viewer,
                off=off,
                subspecialties=subspecialties.get(user_id, []),
                background=backgrounds.get(user_id, []),
            )
    return found


def load_mentees(
    user_ids: Sequence[int], *, viewer: Viewer, off: frozenset[str] = frozenset()
) -> dict[int, scoring.MenteeFeatures]:
    """Features of the visible mentees (active, confirmed) among ``user_ids``, as ``viewer`` may know them."""
    found: dict[int, scoring.MenteeFeatures] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        targets: dict[int, list[str]] = defaultdict(list)
        through = MenteeProfile.target_specialties.through.objects.filter(menteeprofile__user_id__in=chunk)
        for user_id, slug in through.order_by("specialty__name", "specialty_id").values_list(
            "menteeprofile__user_id", "specialty__slug"
        ):
            targets[user_id].append(slug)
        backgrounds = _backgrounds(chunk)
        for profile in (
            MenteeProfile.objects.visible().filter(user_id__in=chunk).select_related("user", "current_specialty")
        ):
            user_id = profile.user_id
            found[user_id] = mentee_features(
                profile,
                viewer=viewer,
                off=off,
                targets=targets.get(user_id, []),
                background=backgrounds.get(user_id, []),
            )
    return found


# --- The taxonomy as the admin left it ----------------------------------------------------


def load_taxonomy() -> taxonomy.Taxonomy:
    """The taxonomy from the database (coordinators may edit it), in the pure module's shape."""
    families = tuple(taxonomy.Family(f.slug, f.name) for f in Family.objects.order_by("pk"))
    domains = tuple(
        taxonomy.Domain(d.slug, d.name, tuple(s.slug for s in d.specialties.all()))
        for d in ClinicalDomain.objects.prefetch_related("specialties")
    )
    rows = list(
        Specialty.objects.select_related("parent", "within").prefetch_related(
            "families", "related", "requires", "domains"
        )
    )
    nodes = tuple(
        taxonomy.Node(
            slug=s.slug,
            name=s.name,
            board=str(s.board_id),
            parent=s.parent.slug if s.parent else None,
            families=frozenset(f.slug for f in s.families.all()),
            label=s.label,
            certificate=s.certificate,
            requires=tuple(sorted(r.slug for r in s.requires.all())),
            domains=frozenset(d.slug for d in s.domains.all()),
            within=s.within.slug if s.within else None,
        )
        for s in rows
    )
    links = ((s.slug, r.slug) for s in rows for r in s.related.all())
    return taxonomy.Taxonomy.from_nodes(nodes, families=families, domains=domains, links=links)


def related_specialty_ids(specialty_id: int) -> set[int]:
    """Ids of the specialty and every field related to it on the alignment ladder.

    "Related" is the score's own test (``matching.scoring.alignment.RELATED_AT_LEAST``):
    a mentor in one of these fields earns at least that grade on field for a mentee aiming
    at the specialty, and a mentor in none of them earns less. Unknown ids give an empty set.
    """
    slug = Specialty.objects.filter(pk=specialty_id).values_list("slug", flat=True).first()
    if slug is None:
        return set()
    slugs = directory().space.related(slug)
    return set(Specialty.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def related_specialty_map() -> dict[int, list[int]]:
    """For every specialty id, the ids ``related_specialty_ids`` gives, itself left out, ascending."""
    ids = dict(Specialty.objects.values_list("slug", "pk"))
    space = directory().space
    return {
        ids[slug]: sorted(ids[other] for other in space.related(slug) if other != slug and other in ids)
        for slug in space.slugs
        if slug in ids
    }


def specialty_space() -> SpecialtySpace:
    return SpecialtySpace.from_taxonomy(load_taxonomy())


# --- The change feed ------------------------------------------------------------------------

POLL_SECONDS = 1.0  # a process reads the feed at most this often: its directory is this stale at most
GRACE_SECONDS = 60.0  # feed rows are re-read this long, for transactions that commit after later ones
FEED_KEPT = datetime.timedelta(days=1)
MAX_CHANGES_PER_TRANSACTION = 500  # beyond this a transaction asks for one rebuild instead of row updates
CHUNK = 2000  # people loaded per query batch when building or updating


class _Pending:
    """The feed keys one transaction (at one savepoint level) has written; on commit, a nudge."""

    def __init__(self) -> None:
        self.keys: set[tuple[str, int]] = set()

    def __call__(self) -> None:
        _nudge()


def record_change(scope: str, key: int) -> None:
    """Write ``(scope, key)`` to the change feed in the current transaction, once per transaction.

    ``scope`` is an ``IndexChange.Scope``: a person (``key`` a user id), a program (its id)
    or the taxonomy (``key`` 0, every index rebuilt). A transaction that changes more than
    ``MAX_CHANGES_PER_TRANSACTION`` keys (a bulk import or delete) writes one taxonomy-scope
    row for the rest instead. This process reads the feed again on its next query.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        IndexChange.objects.create(scope=scope, key=key)
        _nudge()
        return
    # Hooks registered inside a savepoint that rolled back are gone, with their feed rows;
    # the ones left at or above this level describe rows that are still written.
    level = set(connection.savepoint_ids)
    alive = [entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Pending) and entry[0] <= level]
    written = set().union(*(pending.keys for pending in alive))
    if (scope, key) in written or (IndexChange.Scope.TAXONOMY, 0) in written:
        return
    mine = next((e[1] for e in connection.run_on_commit if isinstance(e[1], _Pending) and e[0] == level), None)
    if mine is None:
        mine = _Pending()
        transaction.on_commit(mine)
    if len(written) >= MAX_CHANGES_PER_TRANSACTION:
        scope, key = IndexChange.Scope.TAXONOMY, 0
    mine.keys.add((scope, key))
    IndexChange.objects.create(scope=scope, key=key)


def invalidate() -> None:
    """Rebuild every process's indexes once the current transaction commits (prefer ``record_change``)."""
    record_change(IndexChange.Scope.TAXONOMY, 0)


# --- The per-process directory ---------------------------------------------------------------


@dataclass
class Directory:
    """One program's indexes in this process, scored with that program's weights."""

    program_id: int
    space: SpecialtySpace
    weights: scoring.Weights
    off: frozenset[str]  # background attributes the program does not match on
    near_peer: bool  # the program offers near-peer mentoring (its MentoringPolicy)
    mentors: MentorIndex
    mentees: MenteeIndex
    built_on: datetime.date

    def set_weights(self, weights: scoring.Weights) -> None:
        self.weights = self.mentors.weights = self.mentees.weights = weights

    def admits(self, mentor: scoring.MentorFeatures) -> bool:
        return admits(mentor, near_peer=self.near_peer)


def admits(mentor: scoring.MentorFeatures, *, near_peer: bool) -> bool:
    """Whether ``mentor`` mentors in a program: a near peer only where it offers near-peer mentoring."""
    return near_peer or not mentor.is_near_peer


@dataclass
class _Engine:
    """This process's state: the directories built so far and where it is in the change feed."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    space: SpecialtySpace | None = None
    programs: dict[int, Directory] = field(default_factory=dict)
    default_program: int | None = None
    floor: int = 0  # every feed row up to this id is applied (or older than GRACE_SECONDS)
    seen: set[int] = field(default_factory=set)  # feed rows above the floor already applied
    checked_at: float = -math.inf
    counts: Counter[str] = field(default_factory=Counter)


_engine = _Engine()


def reset() -> None:
    """Forget every index: the next query starts from the database (tests, a new process)."""
    global _engine
    _engine = _Engine()


def counts() -> dict[str, int]:
    """What this process has done: ``builds`` (full per-program builds), ``rows`` (row updates
    or removals applied from the feed), ``reads`` (feed reads), ``weights`` (weight swaps),
    ``taxonomy`` (rebuilds of everything)."""
    return dict(_engine.counts)


def _nudge() -> None:
    _engine.checked_at = -math.inf  # this process's own change shows on its next query


def directory(program: Program | int | None = None) -> Directory:
    """This process's indexes for ``program`` (the default program if None), fresh to the feed.

    Reads the change feed when it last did more than ``POLL_SECONDS`` ago and applies what
    changed row by row; builds a program's indexes on first use, after a taxonomy change,
    and once a day (a pause that ends makes a mentor accepting without any edit).
    """
    engine = _engine
    with engine.lock:
        _refresh(engine)
        program_id = program.pk if isinstance(program, Program) else program
        if program_id is None:
            if engine.default_program is None:
                engine.default_program = Program.objects.default().pk
            program_id = engine.default_program
        found = engine.programs.get(program_id)
        if found is None or found.built_on != timezone.localdate():
            found = engine.programs[program_id] = _build(engine, program_id)
        return found


def _refresh(engine: _Engine) -> None:
    now = time.monotonic()
    if engine.space is None:
        _start(engine)
    elif now - engine.checked_at >= POLL_SECONDS:
        _apply(engine, _read_feed(engine))
    engine.checked_at = now


def _start(engine: _Engine) -> None:
    """Take a place in the feed, then read the taxonomy: what commits after this is applied later."""
    cutoff = timezone.now() - datetime.timedelta(seconds=GRACE_SECONDS)
    engine.floor = IndexChange.objects.filter(created_at__lt=cutoff).aggregate(last=Max("id"))["last"] or 0
    engine.seen = set(IndexChange.objects.filter(id__gt=engine.floor).values_list("id", flat=True))
    engine.space = specialty_space()
    engine.programs.clear()
    IndexChange.objects.filter(created_at__lt=timezone.now() - FEED_KEPT).delete()


def _read_feed(engine: _Engine) -> list[tuple[str, int]]:
    """The feed rows not applied yet, as (scope, key), in feed order."""
    engine.counts["reads"] += 1
    rows = list(IndexChange.objects.filter(id__gt=engine.floor).values_list("id", "scope", "key", "created_at"))
    new = [(scope, key) for row_id, scope, key, _ in rows if row_id not in engine.seen]
    engine.seen.update(row[0] for row in rows)
    cutoff = timezone.now() - datetime.timedelta(seconds=GRACE_SECONDS)
    settled = [row[0] for row in rows if row[3] < cutoff]
    if settled:
        engine.floor = max(settled)
        engine.seen = {row_id for row_id in engine.seen if row_id > engine.floor}
    return new


def _apply(engine: _Engine, changes: list[tuple[str, int]]) -> None:
    """Apply feed rows: people as row updates, programs as weight swaps, the taxonomy as a rebuild."""
    if not changes:
        return
    if any(scope == IndexChange.Scope.TAXONOMY for scope, _ in changes):
        engine.counts["taxonomy"] += 1
        engine.space = specialty_space()
        engine.programs.clear()
        engine.default_program = None
        return
    for program_id in {key for scope, key in changes if scope == IndexChange.Scope.PROGRAM}:
        engine.default_program = None
        found = engine.programs.get(program_id)
        program = Program.objects.filter(pk=program_id).first()
        if found is not None and program is None:
            del engine.programs[program_id]
        elif found is not None and program is not None and matching_off(program) != found.off:
            del engine.programs[program_id]  # every row is projected without those attributes: rebuild
        elif found is not None and program is not None and offers_near_peer(program) != found.near_peer:
            del engine.programs[program_id]  # near-peer mentors join or leave its index: rebuild
        elif found is not None and program is not None:
            found.set_weights(program_weights(program))
            engine.counts["weights"] += 1
    people = sorted({key for scope, key in changes if scope == IndexChange.Scope.PERSON})
    if people and engine.programs:
        _apply_people(engine, people)


def _apply_people(engine: _Engine, user_ids: list[int]) -> None:
    """Reload these people and put each in, or take each out of, every loaded program's indexes."""
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        roles = set(Membership.objects.filter(user_id__in=chunk).values_list("user_id", "program_id", "role"))
        # Everything each person gave, projected below for each program's shared indexes.
        mentors = load_mentors(chunk, viewer="owner")
        mentees = load_mentees(chunk, viewer="owner")
        for program_id, found in engine.programs.items():
            for user_id in chunk:
                if (
                    user_id in mentors
                    and (user_id, program_id, Membership.Role.MENTOR) in roles
                    and found.admits(mentors[user_id])
                ):
                    found.mentors.update(mentor_for(mentors[user_id], "other", found.off))
                else:
                    found.mentors.remove(user_id)
                if user_id in mentees and (user_id, program_id, Membership.Role.MENTEE) in roles:
                    found.mentees.update(mentee_for(mentees[user_id], "other", found.off))
                else:
                    found.mentees.remove(user_id)
                engine.counts["rows"] += 1


def _build(engine: _Engine, program_id: int) -> Directory:
    """A program's indexes from scratch: its verified mentors and active mentees, its weights."""
    started = time.perf_counter()
    assert engine.space is not None
    program = Program.objects.get(pk=program_id)
    weights = program_weights(program)
    off = matching_off(program)
    near_peer = offers_near_peer(program)
    mentors = MentorIndex(engine.space, weights)
    mentees = MenteeIndex(engine.space, weights)
    members = Membership.objects.filter(program_id=program_id)
    mentor_ids = list(members.filter(role=Membership.Role.MENTOR).order_by("user_id").values_list("user_id", flat=True))
    for start in range(0, len(mentor_ids), CHUNK):
        # Shared by every reader: each person as *another* person may know them.
        for mentor in load_mentors(mentor_ids[start : start + CHUNK], viewer="other", off=off).values():
            if admits(mentor, near_peer=near_peer):
                mentors.update(mentor)
    mentee_ids = list(members.filter(role=Membership.Role.MENTEE).order_by("user_id").values_list("user_id", flat=True))
    for start in range(0, len(mentee_ids), CHUNK):
        for mentee in load_mentees(mentee_ids[start : start + CHUNK], viewer="other", off=off).values():
            mentees.update(mentee)
    engine.counts["builds"] += 1
    logger.info(
        "matching: built program %s's indexes of %d mentors and %d mentees in %.0f ms",
        program_id,
        len(mentors),
        len(mentees),
        1000 * (time.perf_counter() - started),
    )
    return Directory(program_id, engine.space, weights, off, near_peer, mentors, mentees, timezone.localdate())


def program_of(user: User, role: str) -> int | None:
    """The program whose directory ``user`` sees in ``role``: the default one if they are in it
    with that role, else their oldest such membership; None (the default program) if none."""
    found = (
        Membership.objects.filter(user=user, role=role)
        .order_by("-program__is_default", "program_id")
        .values_list("program_id", flat=True)
        .first()
    )
    return found


def program_weights(program: Program) -> scoring.Weights:
    try:
        return scoring.Weights.from_mapping(program.weights or {})
    except (TypeError, ValueError):
        logger.warning("matching: program %s has invalid weights; using the defaults", program.pk)
        return scoring.DEFAULT_WEIGHTS


def matching_off(program: Program) -> frozenset[str]:
    """The background attributes ``program`` switched off for matching."""
    return switched_off(program.matching_attributes_off)


# --- What views call -----------------------------------------------------------------------


def features_of_mentee(user: User, *, viewer: Viewer, off: frozenset[str]) -> scoring.MenteeFeatures:
    """The mentee's features as ``viewer`` may know them, fresh from the database (own edits show at once)."""
    return mentee_features(mentee_profiles().get(user=user), viewer=viewer, off=off)


def features_of_mentor(user: User, *, viewer: Viewer, off: frozenset[str]) -> scoring.MentorFeatures:
    """The mentor's features as ``viewer`` may know them, fresh from the database."""
    profile = (
        MentorProfile.objects.filter(user=user)
        .select_related("user", "specialty")
        .prefetch_related("subspecialties", "user__background")
        .get()
    )
    return mentor_features(profile, active=Mentorship.objects.held_by(user), viewer=viewer, off=off)


def rank_mentors(
    mentee: User, *, allowed_ids: set[int] | None = None, include_full: bool = False
) -> tuple[list[int], list[float]]:
    """Every mentor of the mentee's program for this mentee, best first, as (user ids, scores)."""
    found = directory(program_of(mentee, Membership.Role.MENTEE))
    ids, scores = found.mentors.rank_mentors(
        features_of_mentee(mentee, viewer="owner", off=found.off), allowed_ids=allowed_ids, include_full=include_full
    )
    return ids.tolist(), scores.tolist()


@dataclass(frozen=True)
class MentorRanking:
    """One directory read for a mentee: the ranked mentor ids and scores, and what explains them.

    The mentee's features are built once, before ranking; the page of mentors shown is
    explained from the same features and the same index, so one read never goes back for them.
    """

    ids: list[int]
    scores: list[float]
    features: scoring.MenteeFeatures
    index: MentorIndex

    def explain(self, mentor_ids: Iterable[int]) -> dict[int, scoring.Match]:
        """The full match, reasons worded for the mentee, for each of these mentors (a page)."""
        explained = ((i, self.index.explain(self.features, i)) for i in mentor_ids if i in self.index)
        return {mentor_id: match for mentor_id, match in explained if match is not None}


def rank_mentors_for(mentee: User, *, allowed_ids: set[int] | None = None, include_full: bool = False) -> MentorRanking:
    """The directory for a mentee, best first: the mentors of her program, limited to ``allowed_ids``
    (``None``: all) and to those with room unless ``include_full``. ``MenteeProfile.DoesNotExist`` if
    she has no profile."""
    found = directory(program_of(mentee, Membership.Role.MENTEE))
    features = features_of_mentee(mentee, viewer="owner", off=found.off)  # built once, as its owner sees it
    ids, scores = found.mentors.rank_mentors(features, allowed_ids=allowed_ids, include_full=include_full)
    return MentorRanking(ids.tolist(), scores.tolist(), features, found.mentors)


def explain_mentors(mentee: User, mentor_ids: list[int]) -> dict[int, scoring.Match]:
    """The full match, reasons worded for the mentee, for each of a page of mentors."""
    found = directory(program_of(mentee, Membership.Role.MENTEE))
    features = features_of_mentee(mentee, viewer="owner", off=found.off)
    return MentorRanking([], [], features, found.mentors).explain(mentor_ids)


def suggest_mentees(mentor: User, *, k: int = 20) -> list[tuple[int, scoring.Match]]:
    """The best mentees of the mentor's program for this mentor, reasons worded for the mentor."""
    found = directory(program_of(mentor, Membership.Role.MENTOR))
    features = features_of_mentor(mentor, viewer="owner", off=found.off)
    if not found.admits(features):
        return []  # a near peer in a program without near-peer mentoring mentors no one there
    return [(r.id, r.match) for r in found.mentees.top_mentees(features, k)]


def score_of(mentee: User, mentor: User) -> float | None:
    """The score the mentee reads for this mentor: for the mentee's eyes only (it counts their private answers)."""
    found = directory(program_of(mentee, Membership.Role.MENTEE))
    if mentor.pk not in found.mentors:
        return None
    match = found.mentors.explain(features_of_mentee(mentee, viewer="owner", off=found.off), mentor.pk)
    return match.score if match else None

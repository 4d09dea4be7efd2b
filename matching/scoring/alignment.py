"""Specialty alignment: one ordered ladder over the relations of the certification system.

Pure: the taxonomy is handed in as plain values (``Field`` per specialty node, plus the
names of clinical domains and broad families); ``accounts.taxonomy`` builds it from the
data in ``accounts/taxonomy_data.py`` or from the database, and everything that grades
two fields - the score, the directory's "related fields" filter, cohort matching - asks
this module. docs/matching.md explains the model with worked examples.

``align(graph, target, field)`` grades the mentor's ``field`` for someone aiming at
``target`` and names the rung in words a clinician would use. The first rung that holds
wins; grades strictly decrease down the ladder:

=====================  =====  ===============================================================
rung                   grade  holds when (target t, mentor's field f)
=====================  =====  ===============================================================
same                   1.00   f is t
shared_certificate     0.95   f is the same certificate through another board (Hospice and
                              Palliative Medicine from Family Medicine for an internist)
subspecialty           0.85   every road to f passes through t, directly or through a chain
                              (Interventional Cardiology for a Cardiovascular Disease or
                              Internal Medicine aim; Child Neurology for Pediatrics or Neurology;
                              Interventional Radiology for Diagnostic Radiology)
prerequisite           0.80   t requires f directly: its parent specialty, its one required
                              certificate, one of its entry routes (Pediatrics for Allergy and
                              Immunology), or the specialty whose certificate t includes
same_pathway           0.70   t and f require the same certificate directly (two fellowships
                              after Internal Medicine; two after Cardiovascular Disease)
other_route            0.65   f is an entry route into t's certificate through another board
                              (Internal Medicine for Sleep Medicine from Neurology)
wider_pathway          0.60   a longer road shared: t is one of several entry routes into f
                              (Pediatrics for Allergy and Immunology, Orthopaedic Surgery for
                              Plastic Surgery), f is required on every road to t, or a
                              certificate is required on every road to both
domain                 0.50   a clinical domain across boards (cardiovascular, musculoskeletal
                              and sports, child health, ...), a link an editor added, or f's
                              certificate is open after t through another board
family                 0.30   the same broad family (surgical, medical, diagnostic, ...)
different              0.00   none of the above
=====================  =====  ===============================================================

Symmetric rungs: same, shared_certificate, same_pathway, domain, family and different
hold for (t, f) exactly when they hold for (f, t). ``subspecialty`` is directed: its
converse is ``prerequisite`` (one step) or ``wider_pathway`` (a chain).

One lift sits beside the ladder because it depends on the mentee, not only on the two
fields: ``own_route``. When the mentor's field is the mentee's own current specialty and it
is a route into the target (the prerequisite or other_route rung), it counts
``OWN_ROUTE.grade`` (0.82): above every other route into the target, still below a
subspecialist of the target (a pediatrics resident aiming at Allergy and Immunology ranks a
pediatrician above internists; an internal-medicine resident aiming at Cardiovascular
Disease still ranks an interventional cardiologist above a hospitalist).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Rung:
    key: str
    grade: float
    meaning: str


SAME = Rung("same", 1.0, "the same certificate from the same board")
SHARED_CERTIFICATE = Rung("shared_certificate", 0.95, "the same certificate through another board")
SUBSPECIALTY = Rung("subspecialty", 0.85, "the mentor's certificate requires the target")
PREREQUISITE = Rung("prerequisite", 0.8, "the target requires the mentor's certificate (or it is an entry route)")
SAME_PATHWAY = Rung("same_pathway", 0.7, "both require the same certificate")
OTHER_ROUTE = Rung("other_route", 0.65, "a route into the target's certificate through another board")
WIDER_PATHWAY = Rung("wider_pathway", 0.6, "a longer training road shared")
DOMAIN = Rung("domain", 0.5, "a clinical domain across boards, or a link an editor added")
FAMILY = Rung("family", 0.3, "the same broad family of fields")
DIFFERENT = Rung("different", 0.0, "no relation")
# Not a rung of LADDER: the lift for a route that is the mentee's own current specialty.
OWN_ROUTE = Rung("own_route", 0.82, "the mentee's own current specialty, a route into the target")

LADDER: tuple[Rung, ...] = (
    SAME,
    SHARED_CERTIFICATE,
    SUBSPECIALTY,
    PREREQUISITE,
    SAME_PATHWAY,
    OTHER_ROUTE,
    WIDER_PATHWAY,
    DOMAIN,
    FAMILY,
    DIFFERENT,
)
SYMMETRIC_RUNGS = frozenset({SAME, SHARED_CERTIFICATE, SAME_PATHWAY, DOMAIN, FAMILY, DIFFERENT})
# The "related fields" of a specialty: everything from the domain rung up. The directory's
# filter and the score share this threshold, so a mentor the filter keeps always earns at
# least DOMAIN.grade on field for a mentee aiming there, and one it drops earns less.
RELATED_AT_LEAST = DOMAIN.grade


@dataclass(frozen=True, slots=True)
class Field:
    """One specialty or subspecialty as the ladder sees it.

    ``certificate`` is shared by the nodes of one certificate offered by several boards
    (e.g. every Hospice and Palliative Medicine node). ``requires`` are the certificates
    any one of which must come first (its entry routes); empty means just the parent.
    ``within`` is the specialty whose certificate this one includes, held as well as the
    route (Child Neurology is ABPN's "Neurology with Special Qualification in Child
    Neurology", entered from Pediatrics; Interventional Radiology is a dual certificate
    with Diagnostic Radiology); None for most.
    ``domains`` and ``families`` are slugs named in ``Graph.domain_names`` /
    ``Graph.family_names``.
    """

    slug: str
    name: str
    label: str
    parent: str | None = None
    certificate: str = ""
    requires: tuple[str, ...] = ()
    domains: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()
    within: str | None = None

    @property
    def certificate_key(self) -> str:
        return self.certificate or self.slug

    @property
    def direct(self) -> tuple[str, ...]:
        """The certificates required directly before this one (any one of them)."""
        if self.requires:
            return self.requires
        return (self.parent,) if self.parent else ()

    @property
    def steps(self) -> tuple[str, ...]:
        """Every certificate one step before this one: the routes, and ``within``."""
        return (*self.direct, self.within) if self.within else self.direct


class Aligned(NamedTuple):
    rung: Rung
    text: str

    @property
    def grade(self) -> float:
        return self.rung.grade


@dataclass(frozen=True)
class Graph:
    """The taxonomy as plain values: fields by slug, explicit links, and display names.

    ``domain_names`` and ``family_names`` are in order of precedence: when two fields
    share several, the reason names the first. ``related`` holds links an editor added
    beyond the certification system (both directions).
    """

    fields: Mapping[str, Field]
    domain_names: Mapping[str, str] = field(default_factory=dict)
    family_names: Mapping[str, str] = field(default_factory=dict)
    related: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in self.fields.values():
            for slug in (*node.steps, *([node.parent] if node.parent else [])):
                if slug not in self.fields:
                    raise ValueError(f"{node.slug} requires an unknown specialty: {slug!r}")
            if unknown := node.domains - set(self.domain_names):
                raise ValueError(f"{node.slug} names unknown domains {sorted(unknown)}")
        self._check_acyclic()

    def _check_acyclic(self) -> None:
        for slug in self.fields:
            if slug in self.ancestors(slug):
                raise ValueError(f"{slug} requires itself through a chain of prerequisites")

    def ancestors(self, slug: str) -> frozenset[str]:
        """Every certificate on some road to ``slug``: prerequisites of prerequisites."""
        found: set[str] = set()
        stack = list(self.fields[slug].steps)
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self.fields[current].steps)
            if len(found) > len(self.fields):  # a cycle; __post_init__ reports it
                break
        return frozenset(found)

    @cached_property
    def _ancestors(self) -> dict[str, frozenset[str]]:
        return {slug: self.ancestors(slug) for slug in self.fields}

    def required(self, slug: str) -> frozenset[str]:
        """The certificates on every road to ``slug``: what anyone holding it has passed through.

        The intersection over its entry routes (each with what that route requires), plus
        the specialty it is a special qualification in. Plastic Surgery, entered from five
        residencies, requires none of them; Interventional Cardiology requires Cardiovascular
        Disease and Internal Medicine.
        """
        return self._required[slug]

    @cached_property
    def _required(self) -> dict[str, frozenset[str]]:
        found: dict[str, frozenset[str]] = {}

        def visit(slug: str) -> frozenset[str]:
            if slug not in found:
                node = self.fields[slug]
                roads = [frozenset({route}) | visit(route) for route in node.direct]
                common = frozenset.intersection(*roads) if roads else frozenset()
                if node.within:
                    common |= {node.within} | visit(node.within)
                found[slug] = common
            return found[slug]

        for slug in self.fields:
            visit(slug)
        return found

    @cached_property
    def _nearest_first(self) -> dict[str, tuple[str, ...]]:
        """Each field's ancestors, deepest first (the nearest shared step names a pathway)."""
        depth = {slug: len(found) for slug, found in self._ancestors.items()}
        return {slug: tuple(sorted(found, key=lambda a: (-depth[a], a))) for slug, found in self._ancestors.items()}

    @cached_property
    def _by_certificate(self) -> dict[str, tuple[str, ...]]:
        members: dict[str, list[str]] = {}
        for node in self.fields.values():
            members.setdefault(node.certificate_key, []).append(node.slug)
        return {key: tuple(slugs) for key, slugs in members.items()}

    @cached_property
    def _entry_routes(self) -> dict[str, frozenset[str]]:
        """Per certificate, every certificate that leads into it through any of its boards."""
        return {
            key: frozenset(route for slug in slugs for route in self.fields[slug].direct)
            for key, slugs in self._by_certificate.items()
        }

    def named(self, slug: str) -> str:
        """The name, with the parent specialty added where several boards offer the certificate."""
        node = self.fields[slug]
        return node.label if len(self.boards_of(slug)) > 1 else node.name

    def boards_of(self, slug: str) -> tuple[str, ...]:
        """Every node of the certificate ``slug`` belongs to, itself included."""
        return self._by_certificate[self.fields[slug].certificate_key]


def align(graph: Graph, target: str, other: str) -> Aligned:
    """The rung of ``other`` (a mentor's field) for someone aiming at ``target``, with a reason.

    Raises KeyError for a slug not in ``graph``.
    """
    rung, template, subject = _classify(graph, target, other)
    if "{domain}" in template:
        return Aligned(rung, template.format(domain=graph.domain_names[subject]))
    if "{family}" in template:
        return Aligned(rung, template.format(family=graph.family_names[subject].lower()))
    if "{label}" in template:  # always with the parent specialty: which board's road the mentor took
        return Aligned(rung, template.format(label=graph.fields[subject].label))
    return Aligned(rung, template.format(name=graph.named(subject)))


def _classify(graph: Graph, target: str, other: str) -> tuple[Rung, str, str]:
    """(rung, reason template, the slug or domain or family the reason names): no formatting."""
    fields = graph.fields
    t, f = fields[target], fields[other]
    if target == other:
        return SAME, "Same certificate: {name}", other
    if t.certificate_key == f.certificate_key:
        return SHARED_CERTIFICATE, "Same certificate: {label}", other
    if target in graph._required[other]:
        if f.within == target:
            return SUBSPECIALTY, "Certified in your target too: {name}", other
        if f.parent is not None and f.parent in (target, fields[target].parent):
            return SUBSPECIALTY, "Subspecialty of your target: {name}", other
        return SUBSPECIALTY, "Builds on your target: {name}", other
    if other in t.direct:
        if len(t.direct) > 1:
            return PREREQUISITE, "Entry route to your target: {name}", other
        return PREREQUISITE, "Required before your target: {name}", other
    if other == t.within:
        return PREREQUISITE, "Your target's parent specialty: {name}", other
    # Shared roads count only where they are required: a certificate on *every* road to
    # both fields. One of several entry routes (Plastic Surgery from Urology, Brain Injury
    # Medicine from Child Neurology from Pediatrics) says nothing about the mentor's training.
    required = graph._required
    common = required[target] & required[other]
    if shared := _first(t.direct, common & set(f.direct)):
        return SAME_PATHWAY, "Same training pathway: {name}", shared
    if other in graph._entry_routes[t.certificate_key]:
        # A route into the target's certificate through another board (Internal Medicine for
        # Sleep Medicine from Neurology): below the target board's own routes; the mentee's
        # own current specialty lifts it like any route (``own_route``).
        return OTHER_ROUTE, "Another route into your target: {name}", other
    if target in f.direct:  # one of several roads into the mentor's certificate
        return WIDER_PATHWAY, "Open after your target: {label}", other
    if other in required[target]:
        return WIDER_PATHWAY, "Earlier on your target's pathway: {name}", other
    if shared := _first(graph._nearest_first[target], common):
        return WIDER_PATHWAY, "Same training pathway: {name}", shared
    if t.domains & f.domains:
        domain = _first(graph.domain_names, t.domains & f.domains)
        if domain is not None:
            return DOMAIN, "Same clinical domain: {domain}", domain
    if other in graph.related.get(target, ()):
        return DOMAIN, "Related field: {name}", other
    if target in graph._entry_routes[f.certificate_key]:
        # The mentor's certificate is open after the target through another board (Hospice and
        # Palliative Medicine from Family Medicine, for an anesthesiology aspirant): a field in
        # reach, like a shared domain, but not the mentor's road.
        return DOMAIN, "Open after your target: {label}", other
    if t.families & f.families:
        family = _first(graph.family_names, t.families & f.families)
        if family is not None:
            return FAMILY, "Same broad field: {family}", family
    return DIFFERENT, "Different field: {name}", other


# How a mentor, holding the field, reads each rung about a mentee's target.
_FOR_MENTOR = {
    "same": "your own certificate",
    "shared_certificate": "your certificate, through another board",
    "subspecialty": "a step on the road to your certificate",
    "prerequisite": "which requires your certificate first",
    "same_pathway": "the same training pathway as yours",
    "other_route": "a route into your certificate through another board",
    "wider_pathway": "a training pathway that meets yours",
    "domain": "the same clinical domain",
    "family": "the same broad field",
    "different": "a different field",
}


def align_for_mentor(graph: Graph, target: str, other: str) -> Aligned:
    """``align``, worded for the mentor who holds ``other``: "Aims for Cardiovascular Disease: ..."."""
    found = align(graph, target, other)
    return Aligned(found.rung, f"Aims for {graph.named(target)}: {_FOR_MENTOR[found.rung.key]}")


def own_route(value: float) -> float:
    """A grade lifted for a mentor field that is the mentee's own current specialty.

    ``value`` is the field's grade for the target; a route into the target (an entry route
    or a required certificate, ``PREREQUISITE.grade``; or a route through another board's
    version of its certificate, ``OTHER_ROUTE.grade``) becomes ``OWN_ROUTE.grade``; any
    other grade is returned unchanged. Applied per (target, field) pair before the best is
    taken, in ``score_pair`` and in the kernel's own-route rows alike.
    """
    return OWN_ROUTE.grade if lifts(value) else value


def lifts(value: float) -> bool:
    """Whether ``own_route`` lifts a grade: the route rungs, below ``OWN_ROUTE``."""
    return PREREQUISITE.grade <= value < OWN_ROUTE.grade or value == OTHER_ROUTE.grade


def own_route_text(text: str, audience: str) -> str:
    """A prerequisite reason reworded for a mentee whose own current specialty it is.

    "Entry route to your target: Pediatrics" -> "Your own route to your target: Pediatrics";
    the mentor reads "Aims for Allergy and Immunology: their own route, through your certificate".
    """
    head, _, name = text.partition(": ")
    if audience == "mentee":
        return f"Your own route to your target: {name}"
    return f"{head}: their own route, through your certificate"


def own_specialty_text(text: str, audience: str) -> str:
    """A reason reworded for a target that is the mentee's own current specialty (no target named).

    "Open after your target: Allergy and Immunology" -> "Open after your specialty: ...";
    the mentor reads "Trains in Pediatrics: ..." instead of "Aims for Pediatrics: ...".
    """
    if audience == "mentee":
        text = text.replace("your target field", "your field")
        return text.replace("your target's", "your specialty's").replace("your target", "your specialty")
    prefix = "Aims for "
    return f"Trains in {text[len(prefix) :]}" if text.startswith(prefix) else text


def grade(graph: Graph, target: str, other: str) -> float:
    """``align(...).grade``: in [0, 1], 1 only for the same node."""
    return _classify(graph, target, other)[0].grade


def related_fields(graph: Graph, slug: str, *, at_least: float = RELATED_AT_LEAST) -> frozenset[str]:
    """The fields a mentor may hold to earn at least ``at_least`` for someone aiming at ``slug``.

    Includes ``slug`` itself. This is what "include related fields" means in the directory.
    """
    return frozenset(other for other in graph.fields if grade(graph, slug, other) >= at_least)


def _first(ordered: Iterable[str], wanted: Collection[str]) -> str | None:
    for item in ordered:
        if item in wanted:
            return item
    return None

"""The medical specialty taxonomy, built from its data, and how closely two fields align.

Pure Python: importable without Django settings, so the scoring code and the data
migrations can both use it. The data - ABMS boards and certificates, prerequisites and
entry routes, clinical domains, broad families - is ``accounts/taxonomy_data.py``; this
module flattens and checks it into a ``Taxonomy``, and grades two of its fields with the
one ladder in ``matching.scoring.alignment`` (see that module and docs/matching.md).

The tree is board -> specialty -> subspecialty. A subspecialty certificate that several
boards offer is one node per parent specialty, all with the same certificate key,
because the road to it differs: a sports-medicine physician from family medicine trained
differently from one from emergency medicine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from accounts.taxonomy_data import (
    BOARDS,
    DOMAINS,
    FAMILIES,
    RELATED,
    REQUIRES,
    WITHIN,
    Board,
    Domain,
    Family,
    Specialty,
    Subspecialty,
)
from matching.scoring import alignment as ladder
from matching.scoring.alignment import LADDER, RELATED_AT_LEAST, Rung

__all__ = [
    "BOARDS",
    "DOMAINS",
    "FAMILIES",
    "LADDER",
    "RELATED",
    "REQUIRES",
    "TAXONOMY",
    "WITHIN",
    "Alignment",
    "Board",
    "Domain",
    "Family",
    "Node",
    "Specialty",
    "Subspecialty",
    "Taxonomy",
    "alignment",
    "alignment_matrix",
    "alignment_reason",
    "build_taxonomy",
]


@dataclass(frozen=True, slots=True)
class Node:
    """A specialty or subspecialty in the built taxonomy."""

    slug: str
    name: str
    board: str
    parent: str | None
    families: frozenset[str]
    # "Sports Medicine (Family Medicine)" for a subspecialty, the name for a specialty.
    label: str
    certificate: str = ""  # shared by every board's node of one certificate; "" = its own slug
    requires: tuple[str, ...] = ()  # entry routes beyond the parent (any one of them)
    domains: frozenset[str] = frozenset()
    within: str | None = None  # the specialty it is a special qualification in (Child Neurology: Neurology)

    @property
    def is_subspecialty(self) -> bool:
        return self.parent is not None


class Alignment(NamedTuple):
    score: float
    reason: str
    rung: Rung = LADDER[-1]


# --- The built taxonomy -----------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    """The flattened tree with lookups, and the alignment between any two of its nodes."""

    boards: tuple[Board, ...]
    families: tuple[Family, ...]
    nodes: tuple[Node, ...]  # every specialty directly followed by its subspecialties
    links: tuple[tuple[str, str], ...]  # editor-added related pairs, once each (smaller, larger)
    domains: tuple[Domain, ...] = ()
    _by_slug: Mapping[str, Node] = field(default_factory=dict, repr=False)

    @classmethod
    def from_nodes(
        cls,
        nodes: Iterable[Node],
        *,
        families: Sequence[Family],
        domains: Sequence[Domain] = (),
        links: Iterable[tuple[str, str]] = (),
        boards: Sequence[Board] = (),
    ) -> Taxonomy:
        """A taxonomy from flat nodes (e.g. the database's), checked by the ladder's ``Graph``."""
        found = tuple(nodes)
        pairs = tuple(sorted({(min(a, b), max(a, b)) for a, b in links if a != b}))
        taxonomy = cls(
            boards=tuple(boards),
            families=tuple(families),
            nodes=found,
            links=pairs,
            domains=tuple(domains),
            _by_slug={node.slug: node for node in found},
        )
        taxonomy.graph  # noqa: B018 - builds and checks the graph now, not at the first score
        return taxonomy

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def get(self, slug: str) -> Node:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise KeyError(f"unknown specialty slug: {slug!r}") from None

    def board(self, slug: str) -> Board:
        for board in self.boards:
            if board.slug == slug:
                return board
        raise KeyError(f"unknown board slug: {slug!r}")

    def family(self, slug: str) -> Family:
        for family in self.families:
            if family.slug == slug:
                return family
        raise KeyError(f"unknown family slug: {slug!r}")

    def specialties(self) -> tuple[Node, ...]:
        return tuple(node for node in self.nodes if node.parent is None)

    def subspecialties(self) -> tuple[Node, ...]:
        return tuple(node for node in self.nodes if node.parent is not None)

    def parent(self, slug: str) -> Node | None:
        parent = self.get(slug).parent
        return None if parent is None else self._by_slug[parent]

    def children(self, slug: str) -> tuple[Node, ...]:
        self.get(slug)
        return tuple(node for node in self.nodes if node.parent == slug)

    @cached_property
    def graph(self) -> ladder.Graph:
        """The taxonomy as the pure ladder reads it."""
        related: dict[str, set[str]] = {}
        for a, b in self.links:
            related.setdefault(a, set()).add(b)
            related.setdefault(b, set()).add(a)
        return ladder.Graph(
            fields={
                node.slug: ladder.Field(
                    slug=node.slug,
                    name=node.name,
                    label=node.label,
                    parent=node.parent,
                    certificate=node.certificate,
                    requires=node.requires,
                    domains=node.domains,
                    families=node.families,
                    within=node.within,
                )
                for node in self.nodes
            },
            domain_names={domain.slug: domain.name for domain in self.domains},
            family_names={family.slug: family.name for family in self.families},
            related={slug: frozenset(others) for slug, others in related.items()},
        )

    def related(self, slug: str) -> tuple[Node, ...]:
        """The fields related to ``slug`` on the ladder (domain rung or above), itself excluded."""
        return tuple(self._by_slug[other] for other in sorted(self.related_fields(slug) - {slug}))

    def related_fields(self, slug: str, *, at_least: float = RELATED_AT_LEAST) -> frozenset[str]:
        """Slugs a mentor may hold to earn at least ``at_least`` for a mentee aiming at ``slug``."""
        self.get(slug)
        if at_least == RELATED_AT_LEAST:
            row = self.matrix[self.index[slug]]
            return frozenset(self.nodes[i].slug for i in np.flatnonzero(row >= RELATED_AT_LEAST))
        return ladder.related_fields(self.graph, slug, at_least=at_least)

    def alignment(self, a: str, b: str) -> float:
        """How well field ``b`` serves someone aiming at ``a``: 0 (different) to 1 (the same node)."""
        return self.alignment_reason(a, b).score

    def alignment_reason(self, a: str, b: str, *, audience: str = "mentee") -> Alignment:
        """The alignment of ``b`` for whoever aims at ``a``, with a reason for ``audience``.

        The mentee (aiming at ``a``) reads about the mentor's field ``b``; the mentor
        (holding ``b``) reads about the mentee's aim ``a``.
        """
        self.get(a), self.get(b)
        found = ladder.align(self.graph, a, b) if audience == "mentee" else ladder.align_for_mentor(self.graph, a, b)
        return Alignment(found.grade, found.text, found.rung)

    def best_alignment(self, a_slugs: Iterable[str], b_slugs: Iterable[str]) -> Alignment:
        """The best alignment over every pair, e.g. a mentee's targets against a mentor's fields."""
        b_list = list(b_slugs)
        candidates = [self.alignment_reason(a, b) for a in a_slugs for b in b_list]
        if not candidates:
            return Alignment(0.0, "No field to compare")
        return max(candidates, key=lambda candidate: candidate.score)  # first of equals wins

    @cached_property
    def index(self) -> Mapping[str, int]:
        """Each slug's row and column in ``matrix``."""
        return {node.slug: position for position, node in enumerate(self.nodes)}

    @cached_property
    def grades(self) -> npt.NDArray[np.float64]:
        """Row = target, column = mentor's field: every grade, exactly, indexed by ``index`` (read-only)."""
        graph = self.graph
        slugs = [node.slug for node in self.nodes]
        full = np.array([[ladder.grade(graph, a, b) for b in slugs] for a in slugs], dtype=np.float64)
        full.setflags(write=False)
        return full

    @cached_property
    def matrix(self) -> npt.NDArray[np.float32]:
        """``grades`` in float32, the compact form (read-only)."""
        full = self.grades.astype(np.float32)
        full.setflags(write=False)
        return full

    def alignment_matrix(self, rows: Sequence[str], columns: Sequence[str] | None = None) -> npt.NDArray[np.float32]:
        """The alignment of every slug in ``rows`` (targets) with every slug in ``columns`` (default: ``rows``)."""
        row_index = self._positions(rows)
        column_index = row_index if columns is None else self._positions(columns)
        return self.matrix[np.ix_(row_index, column_index)]

    def _positions(self, slugs: Sequence[str]) -> npt.NDArray[np.intp]:
        try:
            return np.fromiter((self.index[slug] for slug in slugs), dtype=np.intp, count=len(slugs))
        except KeyError as error:
            raise KeyError(f"unknown specialty slug: {error.args[0]!r}") from None


def build_taxonomy(
    boards: Sequence[Board] = BOARDS,
    families: Sequence[Family] = FAMILIES,
    domains: Sequence[Domain] = DOMAINS,
    requires: Mapping[str, Sequence[str]] = REQUIRES,
    related: Sequence[tuple[str, str]] = RELATED,
    within: Mapping[str, str] = WITHIN,
) -> Taxonomy:
    """Flatten and check the data; raises ValueError on a duplicate or dangling slug."""
    family_slugs = {family.slug for family in families}
    _check_unique("family", [family.slug for family in families])
    _check_unique("board", [board.slug for board in boards])
    _check_unique("domain", [domain.slug for domain in domains])

    flat: list[tuple[str, str, str, str | None, frozenset[str], str, str]] = []
    for board in boards:
        for specialty in board.specialties:
            own = frozenset(specialty.families)
            flat.append((specialty.slug, specialty.name, board.slug, None, own, specialty.name, ""))
            inherited = own if specialty.passes_on is None else frozenset(specialty.passes_on)
            for sub in specialty.subspecialties:
                slug = f"{specialty.slug}--{sub.key}"
                label = f"{sub.name} ({specialty.name})"
                flat.append(
                    (slug, sub.name, board.slug, specialty.slug, inherited | frozenset(sub.families), label, sub.key)
                )
    slugs = [row[0] for row in flat]
    _check_unique("specialty", slugs)
    known = set(slugs)

    in_domains: dict[str, set[str]] = {slug: set() for slug in slugs}
    for domain in domains:
        for member in domain.members:
            if member not in known:
                raise ValueError(f"domain {domain.slug} names an unknown specialty: {member!r}")
            in_domains[member].add(domain.slug)
    for slug, routes in requires.items():
        for name in (slug, *routes):
            if name not in known:
                raise ValueError(f"a prerequisite names an unknown specialty: {name!r}")
    for slug, qualified_in in within.items():
        for name in (slug, qualified_in):
            if name not in known:
                raise ValueError(f"a special qualification names an unknown specialty: {name!r}")
    for pair in related:
        for name in pair:
            if name not in known:
                raise ValueError(f"a related link names an unknown specialty: {name!r}")
        if pair[0] == pair[1]:
            raise ValueError(f"a specialty cannot be related to itself: {pair[0]!r}")

    nodes = []
    for slug, name, board_slug, parent, node_families, label, certificate in flat:
        if not node_families:
            raise ValueError(f"{slug} belongs to no family")
        if unknown := node_families - family_slugs:
            raise ValueError(f"{slug} names unknown families {sorted(unknown)}")
        nodes.append(
            Node(
                slug=slug,
                name=name,
                board=board_slug,
                parent=parent,
                families=node_families,
                label=label,
                certificate=certificate,
                requires=tuple(requires.get(slug, ())),
                domains=frozenset(in_domains[slug]),
                within=within.get(slug),
            )
        )
    return Taxonomy.from_nodes(nodes, families=families, domains=domains, links=related, boards=boards)


def _check_unique(what: str, slugs: list[str]) -> None:
    if duplicates := sorted({slug for slug in slugs if slugs.count(slug) > 1}):
        raise ValueError(f"duplicate {what} slug(s): {duplicates}")


TAXONOMY = build_taxonomy()


def alignment(a: str, b: str) -> float:
    """``TAXONOMY.alignment``: the graded alignment of field ``b`` for a target ``a``, in [0, 1]."""
    return TAXONOMY.alignment(a, b)


def alignment_reason(a: str, b: str, *, audience: str = "mentee") -> Alignment:
    """``TAXONOMY.alignment_reason``: the alignment with a reason naming ``b``."""
    return TAXONOMY.alignment_reason(a, b, audience=audience)


def alignment_matrix(rows: Sequence[str], columns: Sequence[str] | None = None) -> npt.NDArray[np.float32]:
    """``TAXONOMY.alignment_matrix``: float32 alignments, ``len(rows) x len(columns)``."""
    return TAXONOMY.alignment_matrix(rows, columns)

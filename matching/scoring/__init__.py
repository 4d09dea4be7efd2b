"""Pure scoring: features, components, reasons, availability, and the vectorised index.

Imports nothing from Django, the ORM or settings (``tests/matching/test_layout.py`` checks):
callers hand it plain values and get numbers and reason texts back. The public names of
``components`` are re-exported here, so ``from matching import scoring`` reads as
``scoring.score_pair(...)``.
"""

from matching.scoring.components import (
    DEFAULT_WEIGHTS,
    IMPORTANCE_WEIGHTS,
    Background,
    Match,
    MenteeFeatures,
    MentorFeatures,
    Reason,
    Weights,
    effective_weights,
    heading_for,
    score_pair,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "IMPORTANCE_WEIGHTS",
    "Background",
    "Match",
    "MenteeFeatures",
    "MentorFeatures",
    "Reason",
    "Weights",
    "effective_weights",
    "heading_for",
    "score_pair",
]

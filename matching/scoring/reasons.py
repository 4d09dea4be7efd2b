"""The human reasons behind a score, written for whoever reads them.

The visibility rule (PRODUCT §5) lives here: a reason names the other person's
background attribute only when they made it visible to everyone; otherwise the
credit is folded into one generic reason. Reason codes follow the same rule, since the
API exposes them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from matching.scoring import availability as av
from matching.scoring.alignment import own_route, own_route_text, own_specialty_text
from matching.scoring.components import (
    PROFESSION_FIT,
    RESEARCH_SHARE,
    SIMILAR_EXPERIENCE_GROUPS,
    SIMILAR_EXPERIENCE_PREFERENCES,
    STAGE_GUIDANCE,
    Alignment,
    Audience,
    ComfortTerm,
    MenteeFeatures,
    MentorFeatures,
    Reason,
    ReasonFor,
    best_alignment,
    comfort_terms,
    mentor_preference_parts,
    usable_modes,
)
from matching.scoring.vocabulary import (
    COMMON_LANGUAGE,
    INTENDED_PROFESSION_LABELS,
    LANGUAGE_NAMES,
    MODE_LABELS,
    MODES,
    PREFERENCE_GROUP_NAMES,
    PREFERENCE_GROUPS,
    PROFESSION_LABELS,
    RACE_ETHNICITIES,
    RACE_ETHNICITY_LABELS,
    STAGE_GROUP_NAMES,
    STAGE_LABELS,
    TOPIC_LABELS,
    TOPICS,
)

GENERIC_COMFORT = {
    "mentee": "Matches your comfort preferences",
    "mentor": "Fits what this mentee looks for in a mentor",
}
GENERIC_MENTOR_PREFERENCE = "Matches what you look for in a mentee"
# Shown to a mentee about a mentor who shows the attribute to everyone.
MENTOR_FLAG_TEXT = {
    "first_generation": "First-generation, as you asked",
    "urm": "Under-represented in medicine, as you asked",
    "lgbtq": "LGBTQ+, as you asked",
    "disability": "Has lived experience of disability, as you asked",
    "rural": "Has a rural background, as you asked",
    "international": "Has an international background, as you asked",
}
FLAG_SHORT = {
    "first_generation": "first-generation",
    "urm": "under-represented in medicine",
    "lgbtq": "LGBTQ+",
    "disability": "disability",
    "rural": "rural background",
    "international": "international background",
}

Explainer = Callable[[MenteeFeatures, MentorFeatures, Audience], list[tuple[str, str, float]]]


def explain(
    mentee: MenteeFeatures,
    mentor: MentorFeatures,
    points: Mapping[str, float],
    *,
    alignment: Alignment,
    reason_for: ReasonFor | None,
    audience: Audience,
) -> list[Reason]:
    """Reasons for every component that earned points, best first.

    ``points`` maps a component to its share of the score. For a mentee with a target
    the field reason always comes first, even when it earned nothing ("Different field:
    Otolaryngology"): a card must never hide how the mentor's field relates to the aim.
    For an MD/PhD mentee the physician-scientist reason comes next.
    """
    found: list[Reason] = []
    field: list[Reason] = []
    for component, earned in points.items():
        if component == "specialty" and mentee.target_specialties:
            code, text, _ = _specialty(mentee, mentor, alignment, reason_for, audience)
            field.append(Reason(code, text, component, round(max(earned, 0.0), 1)))
            continue
        if earned <= 0:
            continue
        for code, text, share in _EXPLAINERS[component](mentee, mentor, audience):
            found.append(Reason(code, text, component, round(earned * share, 1)))
    found.sort(key=lambda reason: (-reason.points, reason.code, reason.text))
    # What the mentee asked for by name comes next, whatever its points: an MD/PhD mentee's
    # physician-scientist reason is a quarter of one component and would sink off the card.
    asked = [reason for reason in found if reason.code == "profession.research"]
    return field + asked + [reason for reason in found if reason not in asked]


def _specialty(
    mentee: MenteeFeatures,
    mentor: MentorFeatures,
    alignment: Alignment,
    reason_for: ReasonFor | None,
    audience: Audience,
) -> tuple[str, str, float]:
    value, target, own = best_alignment(mentee, mentor, alignment)
    if not own:
        text = "Has not listed a field" if audience == "mentee" else "Has not named a target field"
    elif reason_for is not None:
        text = reason_for(target, own, audience)
        if own == mentee.current_specialty:
            raw = min(1.0, max(0.0, alignment(target, own)))
            if own_route(raw) != raw:  # the mentee's own route into the target
                text = own_route_text(text, audience)
        if audience == "mentee" and mentor.profession and not mentor.is_physician and value > 0:
            # No board certificate: name the profession and the field it works in, not a certificate.
            text = f"{PROFESSION_LABELS[mentor.profession]} working in {_field_of(text)}"
        elif audience == "mentor" and mentor.profession and not mentor.is_physician:
            text = _without_certificate(text)
        if target == mentee.current_specialty:  # matched on their own field: it is no "target"
            text = own_specialty_text(text, audience)
    elif value >= 1.0:
        text = "Works in your target field" if audience == "mentee" else "Aims for your field"
    elif value > 0:
        text = "Works in a related field" if audience == "mentee" else "Aims for a related field"
    else:
        text = "Works in a different field" if audience == "mentee" else "Aims for a different field"
    return ("specialty", text, 1.0)


def _profession(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    aim = INTENDED_PROFESSION_LABELS[mentee.profession]
    found = []
    base = PROFESSION_FIT[mentee.profession].get(mentor.profession, 0.0)
    if mentor.profession and base > 0:
        label = PROFESSION_LABELS[mentor.profession]
        if audience == "mentee":
            text = (
                f"{label}: the profession you are heading for"
                if base >= 1.0
                else f"{label}: close to the profession you are heading for ({aim})"
            )
        else:
            text = (
                f"Heading for your profession: {aim}"
                if base >= 1.0
                else f"Heading for a profession close to yours: {aim}"
            )
        found.append(("profession", text, 1.0))
    if mentee.md_phd and mentor.research_doctorate:
        text = "Physician-scientist: holds a research doctorate too" if audience == "mentee" else "On the MD/PhD path"
        found.append(("profession.research", text, 1.0))
    if len(found) == 2:  # split the points as the component does
        share = RESEARCH_SHARE / (RESEARCH_SHARE + (1.0 - RESEARCH_SHARE) * base)
        found = [(found[0][0], found[0][1], 1.0 - share), (found[1][0], found[1][1], share)]
    return found


def _without_certificate(text: str) -> str:
    """A mentor-side field reason for a mentor with no board certificate (PA, NP, PT, ...): field, not certificate.

    "Aims for Orthopaedic Surgery: your own certificate" -> "...: the field you work in";
    "...: which requires your certificate first" -> "...: which builds on the field you work in".
    """
    text = text.replace("your own certificate", "the field you work in")
    text = text.replace("requires your certificate first", "builds on the field you work in")
    return text.replace("your certificate", "the field you work in")


def _field_of(text: str) -> str:
    """A field reason reworded around the field: "X (subspecialty of your target)"."""
    relation, _, field = text.partition(": ")
    if relation == "Same certificate":
        return f"your target field, {field}"
    return f"{field} ({relation[0].lower()}{relation[1:]})" if field else text


def _stage_fit(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    topics = _topic_phrase(mentor.topics & STAGE_GUIDANCE[mentee.stage], limit=2)
    if audience == "mentee":
        return [("stage_fit", f"Guides {STAGE_GROUP_NAMES[mentee.stage]} on {topics}", 1.0)]
    return [("stage_fit", f"{STAGE_LABELS[mentee.stage]}: you help with {topics}", 1.0)]


def _goals(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    topics = _topic_phrase(mentee.goals & mentor.topics, limit=3)
    verb = "Helps with" if audience == "mentee" else "Wants help with"
    return [("goals", f"{verb} {topics}", 1.0)]


def _availability(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    reader = mentee.timezone if audience == "mentee" else mentor.timezone
    return [("availability", av.describe_shared_hours(mentee.availability & mentor.availability, reader), 1.0)]


def _mode(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    modes = _join([MODE_LABELS[mode] for mode in MODES if mode in usable_modes(mentee, mentor)])
    verb = "Offers" if audience == "mentee" else "Wants"
    return [("mode", f"{verb} {modes} meetings", 1.0)]


def _language(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    shared = sorted(LANGUAGE_NAMES[code] for code in (mentee.languages - {COMMON_LANGUAGE}) & mentor.languages)
    # Sharing only English earns half credit but is not worth a line on the card.
    return [("language", f"Speaks {_join(shared)}", 1.0)] if shared else []


def _capacity(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    if audience == "mentor":  # mentors know their own workload
        return []
    noun = "mentee" if mentor.remaining == 1 else "mentees"
    return [("capacity", f"Has room for {mentor.remaining} more {noun}", 1.0)]


def _mentor_preference(
    mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience
) -> list[tuple[str, str, float]]:
    met, _parts = mentor_preference_parts(mentee, mentor)
    share = 1.0 / met
    found = []
    if mentee.stage in mentor.preferred_stages:
        if audience == "mentee":
            text = f"Especially wants to mentor {STAGE_GROUP_NAMES[mentee.stage]}"
        else:
            text = f"At a stage you prefer: {STAGE_LABELS[mentee.stage]}"
        found.append(("mentor_preference.stage", text, share))
    shared = mentee.background.groups() & mentor.preferred_groups
    groups = [group for group in PREFERENCE_GROUPS if group in shared]
    if groups and audience == "mentee":
        found.append(
            ("mentor_preference.group", f"Especially wants to mentor {PREFERENCE_GROUP_NAMES[groups[0]]}", share)
        )
    elif groups:
        # The mentee's own attributes: named only where the mentee shows them to everyone.
        visible = [group for group in groups if mentee.background.is_public(_group_attribute(group))]
        if visible:
            text = f"In a group you especially want to mentor: {PREFERENCE_GROUP_NAMES[visible[0]]}"
            found.append(("mentor_preference.group", text, share))
        else:
            found.append(("mentor_preference", GENERIC_MENTOR_PREFERENCE, share))
    return found


def _group_attribute(group: str) -> str:
    return "gender_identity" if group == "women" else group


def _comfort(mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> list[tuple[str, str, float]]:
    terms = [term for term in comfort_terms(mentee, mentor) if term.credit > 0]
    total = sum(term.weight * term.credit for term in terms)
    shares: dict[tuple[str, str], float] = {}
    for term in terms:
        key = _comfort_text(term, mentee, mentor, audience)
        shares[key] = shares.get(key, 0.0) + term.weight * term.credit / total
    return [(code, text, share) for (code, text), share in shares.items()]


def _comfort_text(
    term: ComfortTerm, mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience
) -> tuple[str, str]:
    """The (code, text) for a credited preference, chosen from public facts only.

    Whether a named text appears must not depend on anything hidden, or its absence
    would reveal the hidden value: so a preference met through a private attribute
    still shows "Similar experience: ..." when the mentor shows such a group publicly.
    """
    if audience == "mentee":
        theirs = mentor.background
        if term.matched and theirs.is_public(term.attribute):
            return (f"comfort.{term.attribute}", _matched_text(term, mentee, mentor, audience))
        shown = [group for group in SIMILAR_EXPERIENCE_GROUPS if theirs.has(group) and theirs.is_public(group)]
        if term.attribute in SIMILAR_EXPERIENCE_PREFERENCES and shown:
            return ("comfort.similar_experience", f"Similar experience: {_join([FLAG_SHORT[g] for g in shown])}")
        return ("comfort", GENERIC_COMFORT[audience])
    # The mentor reads about the mentee, who may hide the attribute the preference is about.
    if mentee.background.is_public(term.attribute):
        if term.matched:
            return (f"comfort.{term.attribute}", _matched_text(term, mentee, mentor, audience))
        return ("comfort.similar_experience", "Your experience is close to what this mentee looks for")
    return ("comfort", GENERIC_COMFORT[audience])


def _matched_text(term: ComfortTerm, mentee: MenteeFeatures, mentor: MentorFeatures, audience: Audience) -> str:
    if term.attribute == "gender_identity":
        return "Shares your gender identity"
    if term.attribute == "race_ethnicity":
        shared = mentee.background.race_ethnicity & mentor.background.race_ethnicity
        labels = [RACE_ETHNICITY_LABELS[race] for race in RACE_ETHNICITIES if race in shared]
        return f"Shares your race/ethnicity: {_join(labels)}"
    if audience == "mentee":
        return MENTOR_FLAG_TEXT[term.attribute]
    return f"Looks for a mentor with your background: {FLAG_SHORT[term.attribute]}"


def _topic_phrase(topics: frozenset[str], *, limit: int) -> str:
    ordered = [TOPIC_LABELS[topic] for topic in TOPICS if topic in topics][:limit]
    return _join([label[0].lower() + label[1:] for label in ordered])


def _join(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


_EXPLAINERS: dict[str, Explainer] = {
    "stage_fit": _stage_fit,
    "goals": _goals,
    "availability": _availability,
    "mode": _mode,
    "language": _language,
    "comfort": _comfort,
    "mentor_preference": _mentor_preference,
    "capacity": _capacity,
    "profession": _profession,
}

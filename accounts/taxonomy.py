"""The medical specialty taxonomy, as data, and how closely two of its fields align.

Pure Python: importable without Django settings, so the scoring code and the data
migration can both use it. The tree is board -> specialty -> subspecialty, following the
24 member boards of the American Board of Medical Specialties (ABMS). A subspecialty that
several boards certify (Sports Medicine, Hospice and Palliative Medicine, Sleep Medicine,
Pain Medicine, ...) is one node per parent specialty, because the road to it differs:
a sports-medicine physician from family medicine trained differently from one from
emergency medicine. Such twins are linked as related fields.

Every node, board and family has a stable ``slug``; the data migration keys on it, so
never change a published slug (rename the ``name`` instead). Subspecialty slugs are
``"<specialty slug>--<key>"``, e.g. ``"family-medicine--sports-medicine"``.

Alignment is graded, highest first (PRODUCT.md section 1):

- ``SAME`` (1.0): the same node.
- ``SAME_SPECIALTY`` (0.75): one is the other's parent specialty, or both are
  subspecialties of the same specialty.
- ``RELATED`` (0.55): the two nodes are linked as related fields.
- ``RELATED_INDIRECT`` (0.45): one node is a subspecialty of a field linked to the other
  (Orthopaedic Surgery is linked to PM&R, so it is indirectly related to PM&R's Spinal
  Cord Injury Medicine). Only one step up, on one side: two subspecialties whose parent
  specialties are linked are not related through that link, or a single broad link such
  as Psychiatry - Neurology would make every pair of their subspecialties related.
- ``SAME_FAMILY`` (0.3): the two share a broad family (surgical, primary care, ...).
- ``UNRELATED`` (0.0).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

SAME = 1.0
SAME_SPECIALTY = 0.75
RELATED = 0.55
RELATED_INDIRECT = 0.45
SAME_FAMILY = 0.3
UNRELATED = 0.0


# --- Data shapes ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Family:
    """A broad family of fields, e.g. the surgical specialties."""

    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Subspecialty:
    """A subspecialty as written in the data; its slug is derived from its parent's."""

    key: str
    name: str
    families: tuple[str, ...] = ()  # added to the families inherited from the parent


@dataclass(frozen=True, slots=True)
class Specialty:
    """A primary specialty as written in the data."""

    slug: str
    name: str
    families: tuple[str, ...]
    subspecialties: tuple[Subspecialty, ...] = ()
    # The families its subspecialties inherit; None means all of ``families``. Internal
    # medicine and pediatrics are primary care, their cardiologists are not.
    passes_on: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Board:
    """An ABMS member board as written in the data."""

    slug: str
    name: str
    specialties: tuple[Specialty, ...]


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

    @property
    def is_subspecialty(self) -> bool:
        return self.parent is not None


class Alignment(NamedTuple):
    score: float
    reason: str


# --- The data ---------------------------------------------------------------------------

SURGICAL = "surgical"
MEDICAL = "medical"
PRIMARY_CARE = "primary-care"
HOSPITAL = "hospital-based"
DIAGNOSTIC = "diagnostic"
NEURO = "neuro-behavioural"
PEDIATRIC = "pediatric"
CANCER = "cancer"

# In order of precedence when a reason must name one shared family.
FAMILIES: tuple[Family, ...] = (
    Family(PEDIATRIC, "Care of children"),
    Family(CANCER, "Cancer care"),
    Family(NEURO, "Neurosciences, mental health and rehabilitation"),
    Family(SURGICAL, "Surgical specialties"),
    Family(MEDICAL, "Medical specialties"),
    Family(PRIMARY_CARE, "Primary care and prevention"),
    Family(HOSPITAL, "Hospital-based and acute care"),
    Family(DIAGNOSTIC, "Diagnostic medicine and imaging"),
)

_HPM = "Hospice and Palliative Medicine"
_CCM = "Critical Care Medicine"
_NCC = "Neurocritical Care"

BOARDS: tuple[Board, ...] = (
    Board(
        "american-board-of-allergy-and-immunology",
        "American Board of Allergy and Immunology",
        (Specialty("allergy-and-immunology", "Allergy and Immunology", (MEDICAL,)),),
    ),
    Board(
        "american-board-of-anesthesiology",
        "American Board of Anesthesiology",
        (
            Specialty(
                "anesthesiology",
                "Anesthesiology",
                (HOSPITAL,),
                (
                    Subspecialty("adult-cardiac-anesthesiology", "Adult Cardiac Anesthesiology"),
                    Subspecialty("critical-care-medicine", _CCM),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("neurocritical-care", _NCC, (NEURO,)),
                    Subspecialty("pain-medicine", "Pain Medicine"),
                    Subspecialty("pediatric-anesthesiology", "Pediatric Anesthesiology", (PEDIATRIC,)),
                    Subspecialty("sleep-medicine", "Sleep Medicine"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-colon-and-rectal-surgery",
        "American Board of Colon and Rectal Surgery",
        (Specialty("colon-and-rectal-surgery", "Colon and Rectal Surgery", (SURGICAL,)),),
    ),
    Board(
        "american-board-of-dermatology",
        "American Board of Dermatology",
        (
            Specialty(
                "dermatology",
                "Dermatology",
                (MEDICAL,),
                (
                    Subspecialty("dermatopathology", "Dermatopathology", (DIAGNOSTIC,)),
                    Subspecialty("micrographic-dermatologic-surgery", "Micrographic Dermatologic Surgery", (SURGICAL,)),
                    Subspecialty("pediatric-dermatology", "Pediatric Dermatology", (PEDIATRIC,)),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-emergency-medicine",
        "American Board of Emergency Medicine",
        (
            Specialty(
                "emergency-medicine",
                "Emergency Medicine",
                (HOSPITAL,),
                (
                    Subspecialty("critical-care-medicine", _CCM),
                    Subspecialty("emergency-medical-services", "Emergency Medical Services"),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("medical-toxicology", "Medical Toxicology"),
                    Subspecialty("neurocritical-care", _NCC, (NEURO,)),
                    Subspecialty("pain-medicine", "Pain Medicine"),
                    Subspecialty("pediatric-emergency-medicine", "Pediatric Emergency Medicine", (PEDIATRIC,)),
                    Subspecialty("sports-medicine", "Sports Medicine", (PRIMARY_CARE,)),
                    Subspecialty("undersea-and-hyperbaric-medicine", "Undersea and Hyperbaric Medicine"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-family-medicine",
        "American Board of Family Medicine",
        (
            Specialty(
                "family-medicine",
                "Family Medicine",
                (PRIMARY_CARE,),
                (
                    Subspecialty("adolescent-medicine", "Adolescent Medicine", (PEDIATRIC,)),
                    Subspecialty("geriatric-medicine", "Geriatric Medicine"),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("pain-medicine", "Pain Medicine"),
                    Subspecialty("sleep-medicine", "Sleep Medicine"),
                    Subspecialty("sports-medicine", "Sports Medicine"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-internal-medicine",
        "American Board of Internal Medicine",
        (
            Specialty(
                "internal-medicine",
                "Internal Medicine",
                (PRIMARY_CARE, MEDICAL),
                (
                    Subspecialty("adolescent-medicine", "Adolescent Medicine", (PRIMARY_CARE, PEDIATRIC)),
                    Subspecialty("adult-congenital-heart-disease", "Adult Congenital Heart Disease"),
                    Subspecialty(
                        "advanced-heart-failure-and-transplant-cardiology",
                        "Advanced Heart Failure and Transplant Cardiology",
                    ),
                    Subspecialty("cardiovascular-disease", "Cardiovascular Disease"),
                    Subspecialty("clinical-cardiac-electrophysiology", "Clinical Cardiac Electrophysiology"),
                    Subspecialty("critical-care-medicine", _CCM, (HOSPITAL,)),
                    Subspecialty("endocrinology-diabetes-and-metabolism", "Endocrinology, Diabetes and Metabolism"),
                    Subspecialty("gastroenterology", "Gastroenterology"),
                    Subspecialty("geriatric-medicine", "Geriatric Medicine", (PRIMARY_CARE,)),
                    Subspecialty("hematology", "Hematology", (CANCER,)),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("infectious-disease", "Infectious Disease"),
                    Subspecialty("interventional-cardiology", "Interventional Cardiology"),
                    Subspecialty("medical-oncology", "Medical Oncology", (CANCER,)),
                    Subspecialty("nephrology", "Nephrology"),
                    Subspecialty("neurocritical-care", _NCC, (HOSPITAL, NEURO)),
                    Subspecialty("pulmonary-disease", "Pulmonary Disease"),
                    Subspecialty("rheumatology", "Rheumatology"),
                    Subspecialty("sleep-medicine", "Sleep Medicine"),
                    Subspecialty("sports-medicine", "Sports Medicine", (PRIMARY_CARE,)),
                    Subspecialty("transplant-hepatology", "Transplant Hepatology"),
                ),
                passes_on=(MEDICAL,),
            ),
        ),
    ),
    Board(
        "american-board-of-medical-genetics-and-genomics",
        "American Board of Medical Genetics and Genomics",
        (
            Specialty("clinical-biochemical-genetics", "Clinical Biochemical Genetics", (DIAGNOSTIC,)),
            Specialty(
                "clinical-genetics-and-genomics",
                "Clinical Genetics and Genomics",
                (MEDICAL, PEDIATRIC),
                (Subspecialty("medical-biochemical-genetics", "Medical Biochemical Genetics"),),
            ),
            Specialty(
                "laboratory-genetics-and-genomics",
                "Laboratory Genetics and Genomics",
                (DIAGNOSTIC,),
                (Subspecialty("molecular-genetic-pathology", "Molecular Genetic Pathology"),),
            ),
        ),
    ),
    Board(
        "american-board-of-neurological-surgery",
        "American Board of Neurological Surgery",
        (
            Specialty(
                "neurological-surgery",
                "Neurological Surgery",
                (SURGICAL, NEURO),
                (Subspecialty("neurocritical-care", _NCC, (HOSPITAL,)),),
            ),
        ),
    ),
    Board(
        "american-board-of-nuclear-medicine",
        "American Board of Nuclear Medicine",
        (Specialty("nuclear-medicine", "Nuclear Medicine", (DIAGNOSTIC,)),),
    ),
    Board(
        "american-board-of-obstetrics-and-gynecology",
        "American Board of Obstetrics and Gynecology",
        (
            Specialty(
                "obstetrics-and-gynecology",
                "Obstetrics and Gynecology",
                (SURGICAL, PRIMARY_CARE),
                (
                    Subspecialty("complex-family-planning", "Complex Family Planning"),
                    Subspecialty("critical-care-medicine", _CCM, (HOSPITAL,)),
                    Subspecialty("gynecologic-oncology", "Gynecologic Oncology", (CANCER,)),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("maternal-fetal-medicine", "Maternal-Fetal Medicine"),
                    Subspecialty(
                        "reproductive-endocrinology-and-infertility", "Reproductive Endocrinology and Infertility"
                    ),
                    Subspecialty(
                        "urogynecology-and-reconstructive-pelvic-surgery",
                        "Urogynecology and Reconstructive Pelvic Surgery",
                    ),
                ),
                passes_on=(SURGICAL,),
            ),
        ),
    ),
    Board(
        "american-board-of-ophthalmology",
        "American Board of Ophthalmology",
        (Specialty("ophthalmology", "Ophthalmology", (SURGICAL,)),),
    ),
    Board(
        "american-board-of-orthopaedic-surgery",
        "American Board of Orthopaedic Surgery",
        (
            Specialty(
                "orthopaedic-surgery",
                "Orthopaedic Surgery",
                (SURGICAL,),
                (
                    Subspecialty("orthopaedic-sports-medicine", "Orthopaedic Sports Medicine"),
                    Subspecialty("surgery-of-the-hand", "Surgery of the Hand"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-otolaryngology-head-and-neck-surgery",
        "American Board of Otolaryngology \u2013 Head and Neck Surgery",
        (
            Specialty(
                "otolaryngology-head-and-neck-surgery",
                "Otolaryngology \u2013 Head and Neck Surgery",
                (SURGICAL,),
                (
                    Subspecialty("complex-pediatric-otolaryngology", "Complex Pediatric Otolaryngology", (PEDIATRIC,)),
                    Subspecialty("neurotology", "Neurotology", (NEURO,)),
                    Subspecialty("sleep-medicine", "Sleep Medicine"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-pathology",
        "American Board of Pathology",
        (
            # Most pathologists certify in both; the subspecialties hang off the combined
            # certificate so that any two of them count as the same specialty.
            Specialty(
                "anatomic-and-clinical-pathology",
                "Anatomic and Clinical Pathology",
                (DIAGNOSTIC,),
                (
                    Subspecialty("blood-banking-transfusion-medicine", "Blood Banking/Transfusion Medicine"),
                    Subspecialty("chemical-pathology", "Chemical Pathology"),
                    Subspecialty("clinical-informatics", "Clinical Informatics"),
                    Subspecialty("cytopathology", "Cytopathology"),
                    Subspecialty("dermatopathology", "Dermatopathology"),
                    Subspecialty("forensic-pathology", "Forensic Pathology"),
                    Subspecialty("hematopathology", "Hematopathology"),
                    Subspecialty("medical-microbiology", "Medical Microbiology"),
                    Subspecialty("molecular-genetic-pathology", "Molecular Genetic Pathology"),
                    Subspecialty("neuropathology", "Neuropathology", (NEURO,)),
                    Subspecialty("pediatric-pathology", "Pediatric Pathology", (PEDIATRIC,)),
                ),
            ),
            Specialty("anatomic-pathology", "Anatomic Pathology", (DIAGNOSTIC,)),
            Specialty("clinical-pathology", "Clinical Pathology", (DIAGNOSTIC,)),
        ),
    ),
    Board(
        "american-board-of-pediatrics",
        "American Board of Pediatrics",
        (
            Specialty(
                "pediatrics",
                "Pediatrics",
                (PRIMARY_CARE, PEDIATRIC),
                (
                    Subspecialty("adolescent-medicine", "Adolescent Medicine", (PRIMARY_CARE,)),
                    Subspecialty("child-abuse-pediatrics", "Child Abuse Pediatrics"),
                    Subspecialty(
                        "developmental-behavioral-pediatrics", "Developmental-Behavioral Pediatrics", (NEURO,)
                    ),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("medical-toxicology", "Medical Toxicology", (HOSPITAL,)),
                    Subspecialty("neonatal-perinatal-medicine", "Neonatal-Perinatal Medicine", (HOSPITAL,)),
                    Subspecialty("pediatric-cardiology", "Pediatric Cardiology", (MEDICAL,)),
                    Subspecialty("pediatric-critical-care-medicine", "Pediatric Critical Care Medicine", (HOSPITAL,)),
                    Subspecialty("pediatric-emergency-medicine", "Pediatric Emergency Medicine", (HOSPITAL,)),
                    Subspecialty("pediatric-endocrinology", "Pediatric Endocrinology", (MEDICAL,)),
                    Subspecialty("pediatric-gastroenterology", "Pediatric Gastroenterology", (MEDICAL,)),
                    Subspecialty("pediatric-hematology-oncology", "Pediatric Hematology-Oncology", (MEDICAL, CANCER)),
                    Subspecialty("pediatric-hospital-medicine", "Pediatric Hospital Medicine", (HOSPITAL,)),
                    Subspecialty("pediatric-infectious-diseases", "Pediatric Infectious Diseases", (MEDICAL,)),
                    Subspecialty("pediatric-nephrology", "Pediatric Nephrology", (MEDICAL,)),
                    Subspecialty("pediatric-pulmonology", "Pediatric Pulmonology", (MEDICAL,)),
                    Subspecialty("pediatric-rheumatology", "Pediatric Rheumatology", (MEDICAL,)),
                    Subspecialty("pediatric-transplant-hepatology", "Pediatric Transplant Hepatology", (MEDICAL,)),
                    Subspecialty("sleep-medicine", "Sleep Medicine"),
                    Subspecialty("sports-medicine", "Sports Medicine", (PRIMARY_CARE,)),
                ),
                passes_on=(PEDIATRIC,),
            ),
        ),
    ),
    Board(
        "american-board-of-physical-medicine-and-rehabilitation",
        "American Board of Physical Medicine and Rehabilitation",
        (
            Specialty(
                "physical-medicine-and-rehabilitation",
                "Physical Medicine and Rehabilitation",
                (NEURO,),
                (
                    Subspecialty("brain-injury-medicine", "Brain Injury Medicine"),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("neuromuscular-medicine", "Neuromuscular Medicine"),
                    Subspecialty("pain-medicine", "Pain Medicine"),
                    Subspecialty(
                        "pediatric-rehabilitation-medicine", "Pediatric Rehabilitation Medicine", (PEDIATRIC,)
                    ),
                    Subspecialty("spinal-cord-injury-medicine", "Spinal Cord Injury Medicine"),
                    Subspecialty("sports-medicine", "Sports Medicine"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-plastic-surgery",
        "American Board of Plastic Surgery",
        (
            Specialty(
                "plastic-surgery",
                "Plastic Surgery",
                (SURGICAL,),
                (
                    Subspecialty(
                        "plastic-surgery-within-the-head-and-neck", "Plastic Surgery Within the Head and Neck"
                    ),
                    Subspecialty("surgery-of-the-hand", "Surgery of the Hand"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-preventive-medicine",
        "American Board of Preventive Medicine",
        (
            Specialty("aerospace-medicine", "Aerospace Medicine", (PRIMARY_CARE,)),
            Specialty(
                "occupational-medicine",
                "Occupational Medicine",
                (PRIMARY_CARE,),
                (
                    Subspecialty("medical-toxicology", "Medical Toxicology", (HOSPITAL,)),
                    Subspecialty("undersea-and-hyperbaric-medicine", "Undersea and Hyperbaric Medicine", (HOSPITAL,)),
                ),
            ),
            Specialty(
                "public-health-and-general-preventive-medicine",
                "Public Health and General Preventive Medicine",
                (PRIMARY_CARE,),
                (
                    Subspecialty("addiction-medicine", "Addiction Medicine", (NEURO,)),
                    Subspecialty("clinical-informatics", "Clinical Informatics"),
                ),
            ),
        ),
    ),
    Board(
        "american-board-of-psychiatry-and-neurology",
        "American Board of Psychiatry and Neurology",
        (
            Specialty(
                "psychiatry",
                "Psychiatry",
                (NEURO,),
                (
                    Subspecialty("addiction-psychiatry", "Addiction Psychiatry"),
                    Subspecialty("child-and-adolescent-psychiatry", "Child and Adolescent Psychiatry", (PEDIATRIC,)),
                    Subspecialty("consultation-liaison-psychiatry", "Consultation-Liaison Psychiatry"),
                    Subspecialty("forensic-psychiatry", "Forensic Psychiatry"),
                    Subspecialty("geriatric-psychiatry", "Geriatric Psychiatry"),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                ),
            ),
            Specialty(
                "neurology",
                "Neurology",
                (NEURO,),
                (
                    Subspecialty("brain-injury-medicine", "Brain Injury Medicine"),
                    Subspecialty("clinical-neurophysiology", "Clinical Neurophysiology"),
                    Subspecialty("epilepsy", "Epilepsy"),
                    Subspecialty("neurocritical-care", _NCC, (HOSPITAL,)),
                    Subspecialty("neuromuscular-medicine", "Neuromuscular Medicine"),
                    Subspecialty("pain-medicine", "Pain Medicine"),
                    Subspecialty("sleep-medicine", "Sleep Medicine"),
                    Subspecialty("vascular-neurology", "Vascular Neurology"),
                ),
            ),
            Specialty(
                "child-neurology",
                "Child Neurology",
                (NEURO, PEDIATRIC),
                (Subspecialty("neurodevelopmental-disabilities", "Neurodevelopmental Disabilities"),),
            ),
        ),
    ),
    Board(
        "american-board-of-radiology",
        "American Board of Radiology",
        (
            Specialty(
                "diagnostic-radiology",
                "Diagnostic Radiology",
                (DIAGNOSTIC,),
                (
                    Subspecialty("neuroradiology", "Neuroradiology", (NEURO,)),
                    Subspecialty("nuclear-radiology", "Nuclear Radiology"),
                    Subspecialty("pediatric-radiology", "Pediatric Radiology", (PEDIATRIC,)),
                ),
            ),
            Specialty("interventional-radiology", "Interventional Radiology and Diagnostic Radiology", (DIAGNOSTIC,)),
            Specialty(
                "radiation-oncology",
                "Radiation Oncology",
                (CANCER,),
                (Subspecialty("hospice-and-palliative-medicine", _HPM),),
            ),
            Specialty("medical-physics", "Medical Physics", (DIAGNOSTIC,)),
        ),
    ),
    Board(
        "american-board-of-surgery",
        "American Board of Surgery",
        (
            Specialty(
                "general-surgery",
                "General Surgery",
                (SURGICAL,),
                (
                    Subspecialty("complex-general-surgical-oncology", "Complex General Surgical Oncology", (CANCER,)),
                    Subspecialty("hospice-and-palliative-medicine", _HPM),
                    Subspecialty("pediatric-surgery", "Pediatric Surgery", (PEDIATRIC,)),
                    Subspecialty("surgery-of-the-hand", "Surgery of the Hand"),
                    Subspecialty("surgical-critical-care", "Surgical Critical Care", (HOSPITAL,)),
                ),
            ),
            Specialty("vascular-surgery", "Vascular Surgery", (SURGICAL,)),
        ),
    ),
    Board(
        "american-board-of-thoracic-surgery",
        "American Board of Thoracic Surgery",
        (
            Specialty(
                "thoracic-and-cardiac-surgery",
                "Thoracic and Cardiac Surgery",
                (SURGICAL,),
                (Subspecialty("congenital-cardiac-surgery", "Congenital Cardiac Surgery", (PEDIATRIC,)),),
            ),
        ),
    ),
    Board(
        "american-board-of-urology",
        "American Board of Urology",
        (
            Specialty(
                "urology",
                "Urology",
                (SURGICAL,),
                (
                    Subspecialty("pediatric-urology", "Pediatric Urology", (PEDIATRIC,)),
                    Subspecialty(
                        "urogynecology-and-reconstructive-pelvic-surgery",
                        "Urogynecology and Reconstructive Pelvic Surgery",
                    ),
                ),
            ),
        ),
    ),
)


def _each(key: str, *parents: str) -> tuple[str, ...]:
    return tuple(f"{parent}--{key}" for parent in parents)


# Related fields across the tree. Each entry is a group whose members are all related
# to each other (a pair is the smallest group); links are symmetric.
RELATED_GROUPS: tuple[tuple[str, ...], ...] = (
    # The same certificate offered by several boards.
    (
        "orthopaedic-surgery--orthopaedic-sports-medicine",
        *_each(
            "sports-medicine",
            "family-medicine",
            "emergency-medicine",
            "internal-medicine",
            "pediatrics",
            "physical-medicine-and-rehabilitation",
        ),
    ),
    _each("surgery-of-the-hand", "orthopaedic-surgery", "plastic-surgery", "general-surgery"),
    (
        *_each(
            "critical-care-medicine",
            "anesthesiology",
            "emergency-medicine",
            "internal-medicine",
            "obstetrics-and-gynecology",
        ),
        "general-surgery--surgical-critical-care",
        "pediatrics--pediatric-critical-care-medicine",
        "internal-medicine--pulmonary-disease",
    ),
    _each(
        "neurocritical-care",
        "anesthesiology",
        "emergency-medicine",
        "internal-medicine",
        "neurological-surgery",
        "neurology",
    ),
    ("neurology--neurocritical-care", "internal-medicine--critical-care-medicine"),
    ("neurological-surgery--neurocritical-care", "general-surgery--surgical-critical-care"),
    _each(
        "hospice-and-palliative-medicine",
        "anesthesiology",
        "emergency-medicine",
        "family-medicine",
        "internal-medicine",
        "obstetrics-and-gynecology",
        "pediatrics",
        "physical-medicine-and-rehabilitation",
        "psychiatry",
        "radiation-oncology",
        "general-surgery",
    ),
    _each(
        "pain-medicine",
        "anesthesiology",
        "emergency-medicine",
        "family-medicine",
        "physical-medicine-and-rehabilitation",
        "neurology",
    ),
    (
        *_each(
            "sleep-medicine",
            "anesthesiology",
            "family-medicine",
            "internal-medicine",
            "otolaryngology-head-and-neck-surgery",
            "pediatrics",
            "neurology",
        ),
        "internal-medicine--pulmonary-disease",
    ),
    _each("adolescent-medicine", "family-medicine", "internal-medicine", "pediatrics"),
    (*_each("geriatric-medicine", "family-medicine", "internal-medicine"), "psychiatry--geriatric-psychiatry"),
    _each("medical-toxicology", "emergency-medicine", "pediatrics", "occupational-medicine"),
    _each("undersea-and-hyperbaric-medicine", "emergency-medicine", "occupational-medicine"),
    _each("dermatopathology", "dermatology", "anatomic-and-clinical-pathology"),
    _each("molecular-genetic-pathology", "laboratory-genetics-and-genomics", "anatomic-and-clinical-pathology"),
    _each("clinical-informatics", "anatomic-and-clinical-pathology", "public-health-and-general-preventive-medicine"),
    _each("brain-injury-medicine", "physical-medicine-and-rehabilitation", "neurology"),
    _each("neuromuscular-medicine", "physical-medicine-and-rehabilitation", "neurology"),
    _each("urogynecology-and-reconstructive-pelvic-surgery", "obstetrics-and-gynecology", "urology"),
    ("emergency-medicine--pediatric-emergency-medicine", "pediatrics--pediatric-emergency-medicine"),
    ("public-health-and-general-preventive-medicine--addiction-medicine", "psychiatry--addiction-psychiatry"),
    # Musculoskeletal care.
    ("orthopaedic-surgery", "physical-medicine-and-rehabilitation"),
    ("orthopaedic-surgery", "neurological-surgery"),  # spine surgery is done by both
    ("internal-medicine--rheumatology", "physical-medicine-and-rehabilitation"),
    # Neurosciences and mental health.
    ("neurology", "neurological-surgery", "child-neurology"),
    ("psychiatry", "neurology"),
    ("neurology", "anatomic-and-clinical-pathology--neuropathology"),
    ("neurology--vascular-neurology", "diagnostic-radiology--neuroradiology"),
    ("neurological-surgery", "diagnostic-radiology--neuroradiology"),
    ("neurological-surgery", "otolaryngology-head-and-neck-surgery--neurotology"),
    ("psychiatry--forensic-psychiatry", "anatomic-and-clinical-pathology--forensic-pathology"),
    (
        "pediatrics--developmental-behavioral-pediatrics",
        "psychiatry--child-and-adolescent-psychiatry",
        "child-neurology--neurodevelopmental-disabilities",
    ),
    (
        "physical-medicine-and-rehabilitation--pediatric-rehabilitation-medicine",
        "child-neurology--neurodevelopmental-disabilities",
    ),
    # Imaging and the laboratory.
    ("diagnostic-radiology", "interventional-radiology", "nuclear-medicine"),
    ("diagnostic-radiology--nuclear-radiology", "nuclear-medicine"),
    ("medical-physics", "radiation-oncology"),
    ("medical-physics", "diagnostic-radiology"),
    ("anatomic-and-clinical-pathology", "anatomic-pathology", "clinical-pathology"),
    ("clinical-biochemical-genetics", "clinical-genetics-and-genomics", "laboratory-genetics-and-genomics"),
    ("clinical-biochemical-genetics", "clinical-genetics-and-genomics--medical-biochemical-genetics"),
    ("internal-medicine--infectious-disease", "anatomic-and-clinical-pathology--medical-microbiology"),
    ("internal-medicine--hematology", "anatomic-and-clinical-pathology--hematopathology"),
    ("internal-medicine--hematology", "anatomic-and-clinical-pathology--blood-banking-transfusion-medicine"),
    # Heart and vessels.
    ("internal-medicine--cardiovascular-disease", "thoracic-and-cardiac-surgery", "pediatrics--pediatric-cardiology"),
    (
        "thoracic-and-cardiac-surgery--congenital-cardiac-surgery",
        "pediatrics--pediatric-cardiology",
        "internal-medicine--adult-congenital-heart-disease",
    ),
    ("internal-medicine--interventional-cardiology", "thoracic-and-cardiac-surgery"),
    ("anesthesiology--adult-cardiac-anesthesiology", "thoracic-and-cardiac-surgery"),
    ("vascular-surgery", "interventional-radiology"),
    ("vascular-surgery", "thoracic-and-cardiac-surgery"),
    # Cancer.
    (
        "internal-medicine--medical-oncology",
        "radiation-oncology",
        "obstetrics-and-gynecology--gynecologic-oncology",
        "pediatrics--pediatric-hematology-oncology",
        "general-surgery--complex-general-surgical-oncology",
    ),
    ("internal-medicine--hematology", "pediatrics--pediatric-hematology-oncology"),
    # Surgical training pathways.
    ("general-surgery", "colon-and-rectal-surgery"),
    ("general-surgery", "vascular-surgery"),
    ("general-surgery", "thoracic-and-cardiac-surgery"),
    ("general-surgery", "plastic-surgery"),
    ("colon-and-rectal-surgery", "internal-medicine--gastroenterology"),
    ("plastic-surgery", "dermatology--micrographic-dermatologic-surgery"),
    ("plastic-surgery--plastic-surgery-within-the-head-and-neck", "otolaryngology-head-and-neck-surgery"),
    # Children, and their adult counterparts.
    (
        "general-surgery--pediatric-surgery",
        "urology--pediatric-urology",
        "otolaryngology-head-and-neck-surgery--complex-pediatric-otolaryngology",
    ),
    ("general-surgery--pediatric-surgery", "pediatrics--neonatal-perinatal-medicine"),
    ("general-surgery--pediatric-surgery", "anesthesiology--pediatric-anesthesiology"),
    ("anesthesiology--pediatric-anesthesiology", "pediatrics--pediatric-critical-care-medicine"),
    ("obstetrics-and-gynecology--maternal-fetal-medicine", "pediatrics--neonatal-perinatal-medicine"),
    ("emergency-medicine", "pediatrics--pediatric-emergency-medicine"),
    ("internal-medicine--gastroenterology", "pediatrics--pediatric-gastroenterology"),
    ("internal-medicine--nephrology", "pediatrics--pediatric-nephrology"),
    ("internal-medicine--pulmonary-disease", "pediatrics--pediatric-pulmonology"),
    ("internal-medicine--endocrinology-diabetes-and-metabolism", "pediatrics--pediatric-endocrinology"),
    ("internal-medicine--infectious-disease", "pediatrics--pediatric-infectious-diseases"),
    ("internal-medicine--rheumatology", "pediatrics--pediatric-rheumatology"),
    ("internal-medicine--transplant-hepatology", "pediatrics--pediatric-transplant-hepatology"),
    ("dermatology--pediatric-dermatology", "pediatrics"),
    # Other medicine.
    ("allergy-and-immunology", "internal-medicine--rheumatology"),
    ("allergy-and-immunology", "internal-medicine--pulmonary-disease"),
    ("aerospace-medicine", "occupational-medicine", "public-health-and-general-preventive-medicine"),
    ("occupational-medicine", "physical-medicine-and-rehabilitation"),
)


# --- The built taxonomy -----------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    """The flattened tree with lookups, and the alignment between any two of its nodes."""

    boards: tuple[Board, ...]
    families: tuple[Family, ...]
    nodes: tuple[Node, ...]  # every specialty directly followed by its subspecialties
    links: tuple[tuple[str, str], ...]  # each related pair once, (smaller slug, larger slug)
    _by_slug: Mapping[str, Node] = field(repr=False)
    _related: Mapping[str, frozenset[str]] = field(repr=False)

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

    def related(self, slug: str) -> tuple[Node, ...]:
        self.get(slug)
        return tuple(self._by_slug[other] for other in sorted(self._related[slug]))

    def alignment(self, a: str, b: str) -> float:
        """How closely two fields align, from 0 (unrelated) to 1 (the same node)."""
        return self.alignment_reason(a, b).score

    def alignment_reason(self, a: str, b: str) -> Alignment:
        """The alignment of ``a`` and ``b`` with a reason naming ``b``, for whoever holds ``a``.

        The score is symmetric; the reason is written for the holder of ``a`` (a mentee's
        target field) about ``b`` (the mentor's field).
        """
        node_a, node_b = self.get(a), self.get(b)
        if a == b:
            kind = "subspecialty" if node_a.is_subspecialty else "specialty"
            return Alignment(SAME, f"Same {kind}: {node_a.name}")
        if node_a.parent == b or node_b.parent == a or (node_a.parent and node_a.parent == node_b.parent):
            specialty = self._by_slug[node_a.parent or a]
            return Alignment(SAME_SPECIALTY, f"Same specialty: {specialty.name}")
        if b in self._related[a]:
            return Alignment(RELATED, f"Related field: {node_b.label}")
        if (node_b.parent and node_b.parent in self._related[a]) or (
            node_a.parent and node_a.parent in self._related[b]
        ):
            return Alignment(RELATED_INDIRECT, f"Related field: {node_b.label}")
        for family in self.families:
            if family.slug in node_a.families and family.slug in node_b.families:
                return Alignment(SAME_FAMILY, f"Same broad field: {family.name.lower()}")
        return Alignment(UNRELATED, f"Different field: {node_b.label}")

    def best_alignment(self, a_slugs: Iterable[str], b_slugs: Iterable[str]) -> Alignment:
        """The best alignment over every pair, e.g. a mentee's targets against a mentor's fields."""
        b_list = list(b_slugs)
        candidates = [self.alignment_reason(a, b) for a in a_slugs for b in b_list]
        if not candidates:
            return Alignment(UNRELATED, "No field to compare")
        return max(candidates, key=lambda candidate: candidate.score)  # first of equals wins

    @cached_property
    def index(self) -> Mapping[str, int]:
        """Each slug's row and column in ``matrix``."""
        return {node.slug: position for position, node in enumerate(self.nodes)}

    @cached_property
    def matrix(self) -> npt.NDArray[np.float32]:
        """The alignment of every node with every node, indexed by ``index`` (read-only)."""
        slugs = [node.slug for node in self.nodes]
        full = np.array([[self.alignment(a, b) for b in slugs] for a in slugs], dtype=np.float32)
        full.setflags(write=False)
        return full

    def alignment_matrix(self, rows: Sequence[str], columns: Sequence[str] | None = None) -> npt.NDArray[np.float32]:
        """The alignment of every slug in ``rows`` with every slug in ``columns`` (default: ``rows``)."""
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
    related_groups: Sequence[Sequence[str]] = RELATED_GROUPS,
) -> Taxonomy:
    """Flatten and check the data; raises ValueError on a duplicate or dangling slug."""
    family_slugs = {family.slug for family in families}
    _check_unique("family", [family.slug for family in families])
    _check_unique("board", [board.slug for board in boards])

    nodes: list[Node] = []
    for board in boards:
        for specialty in board.specialties:
            own = frozenset(specialty.families)
            nodes.append(Node(specialty.slug, specialty.name, board.slug, None, own, specialty.name))
            inherited = own if specialty.passes_on is None else frozenset(specialty.passes_on)
            for sub in specialty.subspecialties:
                nodes.append(
                    Node(
                        f"{specialty.slug}--{sub.key}",
                        sub.name,
                        board.slug,
                        specialty.slug,
                        inherited | frozenset(sub.families),
                        f"{sub.name} ({specialty.name})",
                    )
                )
    _check_unique("specialty", [node.slug for node in nodes])
    by_slug = {node.slug: node for node in nodes}
    for node in nodes:
        if not node.families:
            raise ValueError(f"{node.slug} belongs to no family")
        if unknown := node.families - family_slugs:
            raise ValueError(f"{node.slug} names unknown families {sorted(unknown)}")

    related: dict[str, set[str]] = {node.slug: set() for node in nodes}
    for group in related_groups:
        if len(group) < 2:
            raise ValueError(f"a related group needs two or more members: {group}")
        _check_unique("related group member", list(group))
        for slug in group:
            if slug not in by_slug:
                raise ValueError(f"related group names an unknown specialty: {slug!r}")
        for a, b in itertools.combinations(group, 2):
            if a in (by_slug[b].parent, b) or b == by_slug[a].parent:
                # Parent and child already align as the same specialty.
                raise ValueError(f"a specialty cannot be related to its own subspecialty: {a!r}, {b!r}")
            related[a].add(b)
            related[b].add(a)
    links = tuple(sorted({(min(a, b), max(a, b)) for a, others in related.items() for b in others}))

    return Taxonomy(
        boards=tuple(boards),
        families=tuple(families),
        nodes=tuple(nodes),
        links=links,
        _by_slug=by_slug,
        _related={slug: frozenset(others) for slug, others in related.items()},
    )


def _check_unique(what: str, slugs: list[str]) -> None:
    if duplicates := sorted({slug for slug in slugs if slugs.count(slug) > 1}):
        raise ValueError(f"duplicate {what} slug(s): {duplicates}")


TAXONOMY = build_taxonomy()


def alignment(a: str, b: str) -> float:
    """``TAXONOMY.alignment``: the graded alignment of two specialty slugs, in [0, 1]."""
    return TAXONOMY.alignment(a, b)


def alignment_reason(a: str, b: str) -> Alignment:
    """``TAXONOMY.alignment_reason``: the alignment with a reason naming ``b``."""
    return TAXONOMY.alignment_reason(a, b)


def alignment_matrix(rows: Sequence[str], columns: Sequence[str] | None = None) -> npt.NDArray[np.float32]:
    """``TAXONOMY.alignment_matrix``: float32 alignments, ``len(rows) x len(columns)``."""
    return TAXONOMY.alignment_matrix(rows, columns)

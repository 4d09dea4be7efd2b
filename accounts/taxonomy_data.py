"""The specialty taxonomy as data: the certification system, written down once.

Read by ``accounts/taxonomy.py`` (which builds and checks it) and loaded into the database
by the accounts data migrations; nothing here computes anything. Alignment - how these
relations grade a mentor's field for a mentee's target - is ``matching.scoring.alignment``;
docs/matching.md explains the model.

What is here, and where it comes from:

- ``BOARDS``: the 24 ABMS member boards with their primary certificates and subspecialty
  certificates. A subspecialty certificate co-sponsored by several boards (Hospice and
  Palliative Medicine by ten; Sports Medicine, Pain Medicine, Sleep Medicine, Critical
  Care Medicine, Neurocritical Care, ...) appears once under each sponsoring board's
  specialty with the same ``key``: the ``key`` *is* the certificate, so every node with
  that key counts as the same certificate.
- ``REQUIRES``: "requires certification in" - a certificate that must be held (or, with
  several, one of them: the entry routes) before this one, where it is not simply the
  parent specialty. Interventional Cardiology requires Cardiovascular Disease; Allergy
  and Immunology is entered from Internal Medicine or Pediatrics; ABPN's Sleep Medicine
  from Psychiatry, Neurology or Child Neurology.
- ``WITHIN``: a specialty whose certificate includes another one's (Child Neurology is
  Neurology with a special qualification; Interventional Radiology is a dual certificate
  with Diagnostic Radiology), held as well as its entry route.
- ``DOMAINS``: clinical domains that cut across boards (cardiovascular, musculoskeletal
  and sports, child health, critical care, image-guided intervention, ...).
- ``FAMILIES``: broad families (surgical, medical, primary care, ...), the last rung
  before "different field".
- ``RELATED``: the few links an editor wants beyond the above (same board, shared
  practice); coordinators can add more in the admin.

Osteopathic physicians certify through the AOA specialty boards (e.g. the American
Osteopathic Board of Family Physicians) or, since the single GME accreditation system,
through ABMS boards; an AOA certificate is recorded as the ABMS field it certifies in,
so a DO family physician holds ``family-medicine`` whichever board certified them.

Sources (checked November 2026):

- American Board of Medical Specialties, *ABMS Guide to Medical Specialties 2025*
  (abms.org/board-certification/a-guide-to-medical-specialties): member boards, their
  specialty and subspecialty certificates and which boards co-sponsor each.
- The member boards' own certificate pages for prerequisites and entry routes: ABIM
  (abim.org/certification/policies: Interventional Cardiology, Clinical Cardiac
  Electrophysiology, Advanced Heart Failure and Transplant Cardiology and Adult
  Congenital Heart Disease require Cardiovascular Disease; Transplant Hepatology
  requires Gastroenterology), ABAI (abai.org: prior certification by ABIM or ABP), ABP
  (Pediatric Transplant Hepatology requires Pediatric Gastroenterology), ABCRS, ABTS,
  ABS Vascular Surgery and ABPS (the independent pathways after General Surgery or
  another surgical residency), ABPN (abpn.org: Child Neurology after pediatrics training,
  certified as "Neurology with Special Qualification in Child Neurology"; which of its
  subspecialties are open to psychiatry, neurology and child neurology diplomates).
- ABEM's combined residency training with ABFM, ABIM and ABP, and the American College of
  Surgeons' *Resources for Optimal Care of the Injured Patient* (the trauma team), for the
  emergency care and trauma care domains; ABR (theabr.org: the Interventional Radiology and
  Diagnostic Radiology dual certificate).
- American Osteopathic Association, Certifying Boards (certification.osteopathic.org):
  the AOA specialty boards and their ABMS counterparts.

Slugs are stable keys for the data migrations: never change a published slug (rename the
``name`` instead). Subspecialty slugs are ``"<specialty slug>--<key>"``.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Shapes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Family:
    """A broad family of fields, e.g. the surgical specialties."""

    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Domain:
    """A clinical domain across boards, and the fields in it (slugs, as written below)."""

    slug: str
    name: str  # lower case: it is read inside a sentence ("Same clinical domain: child health")
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Subspecialty:
    """A subspecialty certificate under one board's specialty; ``key`` names the certificate."""

    key: str
    name: str
    families: tuple[str, ...] = ()  # added to the families inherited from the parent


@dataclass(frozen=True, slots=True)
class Specialty:
    """A primary specialty certificate."""

    slug: str
    name: str
    families: tuple[str, ...]
    subspecialties: tuple[Subspecialty, ...] = ()
    # The families its subspecialties inherit; None means all of ``families``. Internal
    # medicine and pediatrics are primary care, their cardiologists are not.
    passes_on: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Board:
    """An ABMS member board."""

    slug: str
    name: str
    specialties: tuple[Specialty, ...]


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


# --- Helpers for writing the relations below ---------------------------------------------


def _each(key: str, *parents: str) -> tuple[str, ...]:
    """The nodes of one subspecialty certificate under the given specialties."""
    return tuple(f"{parent}--{key}" for parent in parents)


def _certificate(key: str) -> tuple[str, ...]:
    """Every node of a subspecialty certificate, under every board that offers it."""
    return tuple(
        f"{specialty.slug}--{key}"
        for board in BOARDS
        for specialty in board.specialties
        for sub in specialty.subspecialties
        if sub.key == key
    )


def _tree(slug: str) -> tuple[str, ...]:
    """A specialty and all its subspecialties."""
    for board in BOARDS:
        for specialty in board.specialties:
            if specialty.slug == slug:
                return (slug, *(f"{slug}--{sub.key}" for sub in specialty.subspecialties))
    raise KeyError(slug)


IM = "internal-medicine"
PEDS = "pediatrics"
CARDIOLOGY = "internal-medicine--cardiovascular-disease"


# --- Prerequisites and entry routes ---------------------------------------------------------

# ABPN's diplomates: who may sit its certificates shared by psychiatry and neurology.
_ABPN_ALL = ("neurology", "child-neurology", "psychiatry")
_ABPN_NEURO = ("neurology", "child-neurology")

# Certificate -> the certificates required first (any one of them), where that is not
# simply its parent specialty. Listing several makes them entry routes.
REQUIRES: dict[str, tuple[str, ...]] = {
    # ABIM: the advanced cardiology certificates require Cardiovascular Disease.
    "internal-medicine--interventional-cardiology": (CARDIOLOGY,),
    "internal-medicine--clinical-cardiac-electrophysiology": (CARDIOLOGY,),
    "internal-medicine--advanced-heart-failure-and-transplant-cardiology": (CARDIOLOGY,),
    # ABIM ACHD is open to adult cardiologists and to pediatric cardiologists.
    "internal-medicine--adult-congenital-heart-disease": (CARDIOLOGY, "pediatrics--pediatric-cardiology"),
    "internal-medicine--transplant-hepatology": ("internal-medicine--gastroenterology",),
    "pediatrics--pediatric-transplant-hepatology": ("pediatrics--pediatric-gastroenterology",),
    # ABAI: a conjoint board entered after ABIM or ABP certification.
    "allergy-and-immunology": (IM, PEDS),
    # ABPN: child neurology training starts with pediatrics (and see WITHIN).
    "child-neurology": (PEDS,),
    # ABPN subspecialties: one node each, open to the ABPN diplomates the board names.
    # Sleep, Pain, Brain Injury and Hospice and Palliative Medicine take psychiatrists,
    # neurologists and child neurologists; the neurology subspecialties take neurologists
    # and child neurologists; Neurodevelopmental Disabilities takes child neurologists and
    # pediatricians (ABP-certified).
    "neurology--sleep-medicine": _ABPN_ALL,
    "neurology--pain-medicine": _ABPN_ALL,
    "neurology--brain-injury-medicine": _ABPN_ALL,
    "psychiatry--hospice-and-palliative-medicine": ("psychiatry", "neurology", "child-neurology"),
    "neurology--clinical-neurophysiology": _ABPN_NEURO,
    "neurology--epilepsy": _ABPN_NEURO,
    "neurology--neurocritical-care": _ABPN_NEURO,
    "neurology--neuromuscular-medicine": _ABPN_NEURO,
    "neurology--vascular-neurology": _ABPN_NEURO,
    "child-neurology--neurodevelopmental-disabilities": ("child-neurology", PEDS),
    # Independent pathways after a surgical residency (integrated programmes also exist).
    "colon-and-rectal-surgery": ("general-surgery",),
    "thoracic-and-cardiac-surgery": ("general-surgery",),
    "vascular-surgery": ("general-surgery",),
    "plastic-surgery": (
        "general-surgery",
        "otolaryngology-head-and-neck-surgery",
        "orthopaedic-surgery",
        "urology",
        "neurological-surgery",
    ),
}

# Specialty -> the specialty whose certificate it includes, held as well as its entry route.
WITHIN: dict[str, str] = {
    # ABPN certifies "Neurology with Special Qualification in Child Neurology": a child
    # neurologist holds a neurology certificate, entered from pediatrics.
    "child-neurology": "neurology",
    # ABR's "Interventional Radiology and Diagnostic Radiology" is one dual certificate: the
    # integrated residency includes diagnostic radiology, the independent one follows it.
    "interventional-radiology": "diagnostic-radiology",
}


# --- Clinical domains across boards ---------------------------------------------------------

# In order of precedence when a reason must name one shared domain.
DOMAINS: tuple[Domain, ...] = (
    Domain(
        "cardiovascular",
        "cardiovascular care",
        (
            CARDIOLOGY,
            "internal-medicine--interventional-cardiology",
            "internal-medicine--clinical-cardiac-electrophysiology",
            "internal-medicine--advanced-heart-failure-and-transplant-cardiology",
            "internal-medicine--adult-congenital-heart-disease",
            "pediatrics--pediatric-cardiology",
            *_tree("thoracic-and-cardiac-surgery"),
            "anesthesiology--adult-cardiac-anesthesiology",
            "vascular-surgery",
        ),
    ),
    Domain(
        "image-guided-intervention",
        "image-guided intervention",
        (
            "interventional-radiology",
            "internal-medicine--interventional-cardiology",
            "internal-medicine--clinical-cardiac-electrophysiology",
            "vascular-surgery",
            "diagnostic-radiology--neuroradiology",
        ),
    ),
    Domain(
        "musculoskeletal-and-sports",
        "musculoskeletal and sports medicine",
        (
            *_tree("orthopaedic-surgery"),
            *_certificate("sports-medicine"),
            *_certificate("surgery-of-the-hand"),
            "physical-medicine-and-rehabilitation",
            "physical-medicine-and-rehabilitation--spinal-cord-injury-medicine",
            "internal-medicine--rheumatology",
            "pediatrics--pediatric-rheumatology",
            "neurological-surgery",  # spine surgery
        ),
    ),
    Domain(
        "child-health",
        "child health",
        (
            *_tree(PEDS),
            *_tree("child-neurology"),
            *_certificate("adolescent-medicine"),
            "family-medicine",  # family physicians care for children too
            "psychiatry--child-and-adolescent-psychiatry",
            "general-surgery--pediatric-surgery",
            "urology--pediatric-urology",
            "anesthesiology--pediatric-anesthesiology",
            "diagnostic-radiology--pediatric-radiology",
            "anatomic-and-clinical-pathology--pediatric-pathology",
            "dermatology--pediatric-dermatology",
            "physical-medicine-and-rehabilitation--pediatric-rehabilitation-medicine",
            "otolaryngology-head-and-neck-surgery--complex-pediatric-otolaryngology",
            "thoracic-and-cardiac-surgery--congenital-cardiac-surgery",
            "clinical-genetics-and-genomics",
            "emergency-medicine--pediatric-emergency-medicine",
        ),
    ),
    Domain(
        "womens-health",
        "women's health",
        (*_tree("obstetrics-and-gynecology"), *_certificate("urogynecology-and-reconstructive-pelvic-surgery")),
    ),
    Domain(
        "critical-care",
        "critical care",
        (
            *_certificate("critical-care-medicine"),
            *_certificate("neurocritical-care"),
            "general-surgery--surgical-critical-care",
            "pediatrics--pediatric-critical-care-medicine",
            "pediatrics--neonatal-perinatal-medicine",
            "internal-medicine--pulmonary-disease",  # most intensivists train in pulmonary and critical care
            "anesthesiology",
        ),
    ),
    Domain(
        "oncology",
        "cancer care",
        (
            "internal-medicine--medical-oncology",
            "internal-medicine--hematology",
            "radiation-oncology",
            "obstetrics-and-gynecology--gynecologic-oncology",
            "pediatrics--pediatric-hematology-oncology",
            "general-surgery--complex-general-surgical-oncology",
            "anatomic-and-clinical-pathology--hematopathology",
        ),
    ),
    Domain(
        "neurosciences",
        "the nervous system",
        (
            *_tree("neurology"),
            *_tree("child-neurology"),
            *_tree("neurological-surgery"),
            *_certificate("neurocritical-care"),
            *_certificate("brain-injury-medicine"),
            *_certificate("neuromuscular-medicine"),
            "physical-medicine-and-rehabilitation",
            "physical-medicine-and-rehabilitation--spinal-cord-injury-medicine",
            "diagnostic-radiology--neuroradiology",
            "anatomic-and-clinical-pathology--neuropathology",
            "otolaryngology-head-and-neck-surgery--neurotology",
        ),
    ),
    Domain(
        "mental-health",
        "mental health",
        (
            *_tree("psychiatry"),
            "pediatrics--developmental-behavioral-pediatrics",
            "child-neurology--neurodevelopmental-disabilities",
            "public-health-and-general-preventive-medicine--addiction-medicine",
        ),
    ),
    Domain(
        "aging-and-serious-illness",
        "aging and serious illness",
        (
            *_certificate("hospice-and-palliative-medicine"),
            *_certificate("geriatric-medicine"),
            "psychiatry--geriatric-psychiatry",
        ),
    ),
    Domain("pain", "pain medicine", (*_certificate("pain-medicine"), "anesthesiology")),
    Domain(
        "primary-care",
        "primary care",
        (
            "family-medicine",
            IM,
            PEDS,
            *_certificate("adolescent-medicine"),
            *_certificate("geriatric-medicine"),
            "public-health-and-general-preventive-medicine",
        ),
    ),
    Domain(
        # After primary care: a family physician and an internist share primary care first.
        "emergency-care",
        "emergency care",
        (
            *_tree("emergency-medicine"),
            "pediatrics--pediatric-emergency-medicine",
            *_certificate("medical-toxicology"),
            # The boards' combined residencies with emergency medicine (ABEM with ABFM,
            # ABIM, ABP), and family physicians staff most rural emergency departments.
            "family-medicine",
            IM,
            PEDS,
        ),
    ),
    Domain(
        # The specialists a verified trauma centre must have on call (American College of
        # Surgeons, Resources for Optimal Care of the Injured Patient).
        "trauma",
        "trauma care",
        (
            "emergency-medicine",
            "general-surgery",
            "general-surgery--surgical-critical-care",
            "orthopaedic-surgery",
            "neurological-surgery",
        ),
    ),
    Domain(
        "digestive",
        "digestive disease",
        (
            "internal-medicine--gastroenterology",
            "internal-medicine--transplant-hepatology",
            "pediatrics--pediatric-gastroenterology",
            "pediatrics--pediatric-transplant-hepatology",
            "colon-and-rectal-surgery",
            "general-surgery",  # the alimentary tract is core general surgery (ABS)
        ),
    ),
    Domain(
        "lungs-and-sleep",
        "lungs, breathing and sleep",
        (
            "internal-medicine--pulmonary-disease",
            "pediatrics--pediatric-pulmonology",
            *_certificate("sleep-medicine"),
            "allergy-and-immunology",
            "thoracic-and-cardiac-surgery",
        ),
    ),
    Domain(
        "kidney-and-urinary",
        "kidney and urinary tract",
        ("internal-medicine--nephrology", "pediatrics--pediatric-nephrology", "urology", "urology--pediatric-urology"),
    ),
    Domain(
        "endocrine",
        "hormones and metabolism",
        (
            "internal-medicine--endocrinology-diabetes-and-metabolism",
            "pediatrics--pediatric-endocrinology",
            "obstetrics-and-gynecology--reproductive-endocrinology-and-infertility",
            "clinical-genetics-and-genomics--medical-biochemical-genetics",
            "clinical-biochemical-genetics",
        ),
    ),
    Domain(
        "infection-and-immunity",
        "infection and immunity",
        (
            "internal-medicine--infectious-disease",
            "pediatrics--pediatric-infectious-diseases",
            "anatomic-and-clinical-pathology--medical-microbiology",
            "allergy-and-immunology",
            "internal-medicine--rheumatology",
            "pediatrics--pediatric-rheumatology",
        ),
    ),
    Domain(
        "blood",
        "blood disorders",
        (
            "internal-medicine--hematology",
            "pediatrics--pediatric-hematology-oncology",
            "anatomic-and-clinical-pathology--hematopathology",
            "anatomic-and-clinical-pathology--blood-banking-transfusion-medicine",
        ),
    ),
    Domain(
        "skin",
        "skin",
        (*_tree("dermatology"), *_certificate("dermatopathology"), "plastic-surgery"),
    ),
    Domain(
        "head-and-neck",
        "head and neck",
        (
            *_tree("otolaryngology-head-and-neck-surgery"),
            "plastic-surgery--plastic-surgery-within-the-head-and-neck",
            "ophthalmology",
        ),
    ),
    Domain(
        "imaging",
        "medical imaging",
        (*_tree("diagnostic-radiology"), "interventional-radiology", "nuclear-medicine", "medical-physics"),
    ),
    Domain(
        "laboratory-and-genetics",
        "laboratory medicine and genetics",
        (
            *_tree("anatomic-and-clinical-pathology"),
            "anatomic-pathology",
            "clinical-pathology",
            "clinical-biochemical-genetics",
            *_tree("clinical-genetics-and-genomics"),
            *_tree("laboratory-genetics-and-genomics"),
        ),
    ),
    Domain(
        "population-health",
        "population and occupational health",
        (
            "aerospace-medicine",
            *_tree("occupational-medicine"),
            *_tree("public-health-and-general-preventive-medicine"),
            *_certificate("undersea-and-hyperbaric-medicine"),
            *_certificate("clinical-informatics"),
        ),
    ),
    Domain(
        "surgical-training",
        "general surgical training",
        ("general-surgery", "colon-and-rectal-surgery", "vascular-surgery", "thoracic-and-cardiac-surgery"),
    ),
)


# --- Links beyond the certification system ---------------------------------------------------

# Pairs an editor judged related although no certificate, pathway or domain joins them.
RELATED: tuple[tuple[str, str], ...] = (
    ("psychiatry", "neurology"),  # one board (ABPN), shared neuropsychiatry
    ("psychiatry", "child-neurology"),  # one board (ABPN), as with neurology
    ("neurology", "internal-medicine"),  # a neurology residency's PGY-1 is internal medicine (ACGME Neurology)
    ("radiation-oncology", "diagnostic-radiology"),  # one board (ABR), imaging in every treatment plan
    ("psychiatry--forensic-psychiatry", "anatomic-and-clinical-pathology--forensic-pathology"),
    ("radiation-oncology", "medical-physics"),
    ("occupational-medicine", "physical-medicine-and-rehabilitation"),
    ("plastic-surgery", "dermatology--micrographic-dermatologic-surgery"),
)

# Other words people search a field by: abbreviations and everyday names, for the specialty
# picker (``accounts.widgets.SpecialtyPicker``). Keyed by a specialty's slug or a
# subspecialty's ``key`` (so an entry covers the certificate under every board). Only words
# that appear in no field's own name: "cardio" already finds the cardiology fields by name.
SEARCH_TERMS: dict[str, tuple[str, ...]] = {
    "allergy-and-immunology": ("allergist",),
    "anesthesiology": ("anaesthesia", "anesthesia", "anaesthetics"),
    "colon-and-rectal-surgery": ("colorectal", "proctology"),
    "dermatology": ("skin",),
    "emergency-medicine": ("EM", "ER", "A&E", "casualty"),
    "family-medicine": ("FM", "general practice", "GP", "primary care"),
    "internal-medicine": ("IM", "general medicine", "internist", "primary care"),
    "cardiovascular-disease": ("cardiology", "heart"),
    "clinical-cardiac-electrophysiology": ("EP", "cardiology", "arrhythmia"),
    "endocrinology-diabetes-and-metabolism": ("endo",),
    "gastroenterology": ("GI", "digestive"),
    "hematology": ("haematology", "blood"),
    "infectious-disease": ("ID",),
    "medical-oncology": ("cancer", "heme onc"),
    "nephrology": ("kidney", "renal"),
    "pulmonary-disease": ("pulmonology", "lung", "chest"),
    "transplant-hepatology": ("liver",),
    "critical-care-medicine": ("ICU", "intensive care"),
    "hospice-and-palliative-medicine": ("palliative care", "end of life"),
    "neurological-surgery": ("neurosurgery",),
    "obstetrics-and-gynecology": ("OB/GYN", "OBGYN", "OB", "gynaecology", "women's health"),
    "maternal-fetal-medicine": ("MFM", "perinatology"),
    "reproductive-endocrinology-and-infertility": ("REI", "fertility", "IVF"),
    "ophthalmology": ("eye", "ophtho"),
    "orthopaedic-surgery": ("orthopedic", "orthopedics", "ortho", "bones"),
    "orthopaedic-sports-medicine": ("orthopedic",),
    "otolaryngology-head-and-neck-surgery": ("ENT", "ear nose and throat", "ORL"),
    "anatomic-and-clinical-pathology": ("AP/CP",),
    "neonatal-perinatal-medicine": ("neonatology", "NICU"),
    "pediatric-critical-care-medicine": ("PICU",),
    "pediatric-hematology-oncology": ("pediatric cancer",),
    "physical-medicine-and-rehabilitation": ("PM&R", "PMR", "physiatry", "rehab"),
    "plastic-surgery": ("cosmetic", "reconstructive"),
    "public-health-and-general-preventive-medicine": ("preventive medicine",),
    "psychiatry": ("psych", "mental health"),
    "child-and-adolescent-psychiatry": ("CAP",),
    "diagnostic-radiology": ("imaging", "rads"),
    "interventional-radiology": ("IR",),
    "radiation-oncology": ("rad onc", "radiotherapy", "cancer"),
    "general-surgery": ("surgeon",),
    "thoracic-and-cardiac-surgery": ("cardiothoracic", "CT surgery", "heart surgery"),
    "congenital-cardiac-surgery": ("pediatric heart surgery",),
    "urology": ("GU",),
    "clinical-genetics-and-genomics": ("medical genetics",),
}

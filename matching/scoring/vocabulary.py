"""The vocabulary of matching, as plain strings: the values of the ``TextChoices`` in ``accounts/models.py``.

Those choices are the one source. This pure package may not import Django, so the part
between the markers below is generated from them (``python manage.py write_vocabulary``;
``tests/matching/test_vocabulary.py`` fails when it is out of date). Below the generated part:
how the reasons word some values inside a sentence, keyed by the same values.
"""

# --- Generated from accounts/models.py by `manage.py write_vocabulary`: do not edit by hand ---
STAGE_LABELS = {
    "high_school": "High school",
    "undergraduate": "Undergraduate (premed)",
    "post_bacc": "Post-baccalaureate",
    "gap_year": "Gap year",
    "ms1": "Medical student, year 1",
    "ms2": "Medical student, year 2",
    "ms3": "Medical student, year 3",
    "ms4": "Medical student, year 4",
    "resident": "Resident",
    "fellow": "Fellow",
    "allied_health": "Allied-health student",
}
STAGES = (
    "high_school",
    "undergraduate",
    "post_bacc",
    "gap_year",
    "ms1",
    "ms2",
    "ms3",
    "ms4",
    "resident",
    "fellow",
    "allied_health",
)
PREMED_STAGES = (
    "high_school",
    "undergraduate",
    "post_bacc",
    "gap_year",
)
TOPIC_LABELS = {
    "specialty_choice": "Choosing a specialty",
    "med_school_admissions": "Medical school admissions",
    "residency_applications": "Residency applications",
    "fellowship_applications": "Fellowship applications",
    "personal_statement": "Personal statement",
    "mock_interview": "Mock interviews",
    "research": "Research",
    "grant_writing": "Grant writing",
    "presentations": "Presentations",
    "board_exams": "Board exams",
    "clinical_skills": "Clinical skills",
    "career_planning": "Career planning",
    "work_life_balance": "Work-life balance",
    "leadership": "Leadership",
    "wellness": "Wellness",
    "diversity_equity": "Diversity and equity in medicine",
    "global_health": "Global health",
    "academic_medicine": "Academic medicine",
    "private_practice": "Private practice",
    "networking": "Networking and introductions",
}
TOPICS = (
    "specialty_choice",
    "med_school_admissions",
    "residency_applications",
    "fellowship_applications",
    "personal_statement",
    "mock_interview",
    "research",
    "grant_writing",
    "presentations",
    "board_exams",
    "clinical_skills",
    "career_planning",
    "work_life_balance",
    "leadership",
    "wellness",
    "diversity_equity",
    "global_health",
    "academic_medicine",
    "private_practice",
    "networking",
)
KINDS = (
    "long_term",
    "short_term",
    "task",
)
MODES = (
    "video",
    "phone",
    "in_person",
)
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "hi": "Hindi",
    "ar": "Arabic",
    "fr": "French",
    "vi": "Vietnamese",
    "ko": "Korean",
    "tl": "Tagalog",
    "pt": "Portuguese",
    "ru": "Russian",
    "ur": "Urdu",
    "bn": "Bengali",
    "fa": "Persian",
    "ht": "Haitian Creole",
    "pl": "Polish",
    "de": "German",
    "ja": "Japanese",
    "yo": "Yoruba",
    "asl": "American Sign Language",
}
LANGUAGES = (
    "en",
    "es",
    "zh",
    "hi",
    "ar",
    "fr",
    "vi",
    "ko",
    "tl",
    "pt",
    "ru",
    "ur",
    "bn",
    "fa",
    "ht",
    "pl",
    "de",
    "ja",
    "yo",
    "asl",
)
IMPORTANCE = (
    "none",
    "nice",
    "important",
    "must",
)
VISIBILITY = (
    "private",
    "coordinators",
    "everyone",
)
GENDER_IDENTITIES = (
    "woman",
    "man",
    "nonbinary",
    "self_described",
)
RACE_ETHNICITY_LABELS = {
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "asian": "Asian",
    "black": "Black or African American",
    "hispanic_latino": "Hispanic or Latino",
    "middle_eastern_north_african": "Middle Eastern or North African",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
    "white": "White",
}
RACE_ETHNICITIES = (
    "american_indian_alaska_native",
    "asian",
    "black",
    "hispanic_latino",
    "middle_eastern_north_african",
    "native_hawaiian_pacific_islander",
    "white",
)
FLAG_ATTRIBUTES = (
    "first_generation",
    "urm",
    "lgbtq",
    "disability",
    "rural",
    "international",
)
BACKGROUND_ATTRIBUTES = (
    "gender_identity",
    "race_ethnicity",
    "first_generation",
    "urm",
    "lgbtq",
    "disability",
    "rural",
    "international",
)
PREFERENCE_GROUP_NAMES = {
    "women": "women",
    "first_generation": "first-generation students",
    "urm": "students under-represented in medicine",
    "lgbtq": "LGBTQ+ students",
    "disability": "students with disabilities",
    "rural": "students from rural backgrounds",
    "international": "international students",
}
PREFERENCE_GROUPS = (
    "women",
    "first_generation",
    "urm",
    "lgbtq",
    "disability",
    "rural",
    "international",
)
INTENDED_PROFESSIONS = (
    "physician",
    "md",
    "do",
    "pa",
    "np",
    "nursing",
    "pharmacy",
    "pt_ot",
    "dentistry",
    "other",
)
PROFESSIONS = (
    "md",
    "do",
    "mbbs",
    "np",
    "pa",
    "rn",
    "pharmd",
    "dpt",
    "ot",
    "dentist",
    "other",
    "medical_student",
    "resident",
)
PHYSICIAN_PROFESSIONS = (
    "md",
    "do",
    "mbbs",
)
NEAR_PEER_PROFESSIONS = (
    "medical_student",
    "resident",
)
# --- End of generated part ---

COMMON_LANGUAGE = "en"  # everyone in the program is assumed to share it

# Inside a sentence: "Guides medical students on ...", "Meets by video or in-person".
STAGE_GROUP_NAMES = {  # plural, for "Especially wants to mentor medical students"
    **dict.fromkeys(PREMED_STAGES, "premed students"),
    **dict.fromkeys(("ms1", "ms2", "ms3", "ms4"), "medical students"),
    "resident": "residents",
    "fellow": "fellows",
    "allied_health": "allied-health students",
}
MODE_LABELS = {"video": "video", "phone": "phone", "in_person": "in-person"}

# The profession a mentee is heading for and a mentor's profession, inside a sentence.
INTENDED_PROFESSION_LABELS = {
    "physician": "physician (MD or DO)",
    "md": "physician (MD)",
    "do": "osteopathic physician (DO)",
    "pa": "physician assistant",
    "np": "nurse practitioner",
    "nursing": "nursing",
    "pharmacy": "pharmacy",
    "pt_ot": "physical or occupational therapy",
    "dentistry": "dentistry",
    "other": "another health profession",
}
PROFESSION_LABELS = {
    "md": "Physician (MD)",
    "do": "Osteopathic physician (DO)",
    "mbbs": "Physician (MBBS)",
    "np": "Nurse practitioner",
    "pa": "Physician assistant",
    "rn": "Registered nurse",
    "pharmd": "Pharmacist",
    "dpt": "Physical therapist",
    "ot": "Occupational therapist",
    "dentist": "Dentist",
    "other": "Health professional",
    "medical_student": "Medical student",
    "resident": "Resident or fellow",
}

"""The shared vocabulary of matching: plain strings the Django models use as choices.

Profiles, forms and the scorer all speak these values; change one only with a data
migration. Labels are for people; keys are for code.
"""

PREMED_STAGES = ("high_school", "undergraduate", "post_bacc", "gap_year")
STAGES = (*PREMED_STAGES, "ms1", "ms2", "ms3", "ms4", "resident", "fellow", "allied_health")
STAGE_LABELS = {
    "high_school": "High school",
    "undergraduate": "Undergraduate",
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
STAGE_GROUP_NAMES = {  # plural, for "Especially wants to mentor medical students"
    **dict.fromkeys(PREMED_STAGES, "premed students"),
    **dict.fromkeys(("ms1", "ms2", "ms3", "ms4"), "medical students"),
    "resident": "residents",
    "fellow": "fellows",
    "allied_health": "allied-health students",
}

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
    "diversity_equity": "Diversity and equity",
    "global_health": "Global health",
    "academic_medicine": "Academic medicine",
    "private_practice": "Private practice",
    "networking": "Networking",
}
TOPICS = tuple(TOPIC_LABELS)

KIND_LABELS = {"long_term": "Long-term", "short_term": "Short-term", "task": "A single task"}
KINDS = tuple(KIND_LABELS)
MODE_LABELS = {"video": "video", "phone": "phone", "in_person": "in-person"}
MODES = tuple(MODE_LABELS)

COMMON_LANGUAGE = "en"  # everyone in the program is assumed to share it
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "zh": "Chinese", "hi": "Hindi", "ar": "Arabic",
    "fr": "French", "vi": "Vietnamese", "ko": "Korean", "tl": "Tagalog", "pt": "Portuguese",
    "ru": "Russian", "de": "German", "it": "Italian", "ja": "Japanese", "pl": "Polish",
    "uk": "Ukrainian", "fa": "Persian", "ur": "Urdu", "bn": "Bengali", "pa": "Punjabi",
    "gu": "Gujarati", "ta": "Tamil", "te": "Telugu", "ml": "Malayalam", "mr": "Marathi",
    "he": "Hebrew", "tr": "Turkish", "el": "Greek", "ht": "Haitian Creole", "so": "Somali",
    "am": "Amharic", "sw": "Swahili", "yo": "Yoruba", "ig": "Igbo", "ne": "Nepali",
    "th": "Thai", "km": "Khmer", "lo": "Lao", "my": "Burmese", "id": "Indonesian",
    "ms": "Malay", "nl": "Dutch", "ro": "Romanian", "hy": "Armenian", "sq": "Albanian",
    "sr": "Serbian", "hr": "Croatian", "bs": "Bosnian", "yi": "Yiddish", "asl": "American Sign Language",
}  # fmt: skip
LANGUAGES = tuple(LANGUAGE_NAMES)

IMPORTANCE = ("none", "nice", "important", "must")
VISIBILITY = ("private", "coordinators", "everyone")

GENDER_LABELS = {"woman": "woman", "man": "man", "nonbinary": "nonbinary", "self_described": "self-described"}
GENDER_IDENTITIES = tuple(GENDER_LABELS)
RACE_ETHNICITY_LABELS = {
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "asian": "Asian",
    "black": "Black or African American",
    "hispanic_latino": "Hispanic or Latino",
    "middle_eastern_north_african": "Middle Eastern or North African",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
    "white": "White",
}
RACE_ETHNICITIES = tuple(RACE_ETHNICITY_LABELS)
FLAG_ATTRIBUTES = ("first_generation", "urm", "lgbtq", "disability", "rural", "international")
BACKGROUND_ATTRIBUTES = ("gender_identity", "race_ethnicity", *FLAG_ATTRIBUTES)

# Mentee groups a mentor may especially want to mentor ("women" = gender identity woman).
PREFERENCE_GROUP_NAMES = {
    "women": "women",
    "first_generation": "first-generation students",
    "urm": "students under-represented in medicine",
    "lgbtq": "LGBTQ+ students",
    "disability": "students with disabilities",
    "rural": "students from rural backgrounds",
    "international": "international students",
}
PREFERENCE_GROUPS = tuple(PREFERENCE_GROUP_NAMES)

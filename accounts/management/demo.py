"""Demo people for ``manage.py seed_demo``: a realistic, diverse population, as plain data.

Pure: no ORM. Each generated person depends only on their role and number (``mentor_spec(7)``
is the same whatever else is generated, on any machine), so the command can create
what is missing and skip what exists, and a bigger run extends a smaller one.

The proportions are meant to look like a US medical mentorship program, not to model
any real population: about 55% of mentees are women, a quarter are under-represented in
medicine or first-generation, about 8% are international, and many people leave
background attributes unset. Institutions are generic ("University Medical Center of
Denver"); no real person is described.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accounts.validators import npi_check_digit
from matching.scoring.vocabulary import LANGUAGE_NAMES, PREMED_STAGES, STAGES, TOPIC_LABELS

SEED = "medical-mentorship-demo-v1"
DOMAIN = "demo.example.org"
DEFAULT_PASSWORD = "mentorship-demo"  # noqa: S105 - the published demo password (PRODUCT §7)
DEMO_MENTEE_EMAIL = "mentee@example.com"
DEMO_MENTOR_EMAIL = "mentor@example.com"
DEMO_COORDINATOR_EMAIL = "coordinator@example.com"

Background = dict[str, tuple[Any, str]]  # attribute -> (value, visibility), as accounts.services.set_background
Slot = dict[str, Any]  # {"day": 0-6, "start": "HH:MM", "end": "HH:MM"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonSpec:
    email: str
    first_name: str
    last_name: str
    timezone: str
    region: str
    languages: list[str]
    availability: list[Slot]
    meeting_modes: list[str]
    kinds: list[str]
    topics: list[str]
    bio: str
    background: Background


@dataclass(frozen=True, slots=True, kw_only=True)
class MentorSpec(PersonSpec):
    profession: str
    specialty: str  # taxonomy slug
    subspecialties: list[str]
    board_certified: bool
    institution: str
    years_in_practice: int
    npi: str
    license_state: str
    license_number: str
    capacity: int
    accepting: bool
    preferred_stages: list[str]
    preferred_groups: list[str]
    verified: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MenteeSpec(PersonSpec):
    stage: str
    school: str
    targets: list[str]  # taxonomy slugs; empty = undecided
    goals_text: str
    can_offer: list[str]
    comfort_preferences: dict[str, str]
    intended_profession: str = ""  # MenteeProfile.IntendedProfession; "" = has not said
    md_phd: bool = False
    current_specialty: str = ""  # taxonomy slug: residents and fellows only
    training_year: int | None = None  # PGY: residents and fellows only


# --- Places ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    region: str  # ISO 3166-2, as the profile's region field
    name: str
    timezone: str
    weight: float
    cities: tuple[str, ...]

    @property
    def abroad(self) -> bool:
        return not self.region.startswith("US-")


# Weighted roughly by where US medical schools and hospitals are.
US_PLACES = (
    Place("US-CA", "California", "America/Los_Angeles", 12, ("Los Angeles", "San Diego", "Sacramento", "Fresno")),
    Place("US-NY", "New York", "America/New_York", 10, ("New York", "Rochester", "Albany", "Buffalo")),
    Place("US-TX", "Texas", "America/Chicago", 9, ("Houston", "Dallas", "San Antonio", "Austin")),
    Place("US-FL", "Florida", "America/New_York", 6, ("Miami", "Tampa", "Orlando", "Gainesville")),
    Place("US-PA", "Pennsylvania", "America/New_York", 5, ("Philadelphia", "Pittsburgh", "Hershey")),
    Place("US-IL", "Illinois", "America/Chicago", 5, ("Chicago", "Peoria", "Springfield")),
    Place("US-MA", "Massachusetts", "America/New_York", 5, ("Boston", "Worcester", "Springfield")),
    Place("US-OH", "Ohio", "America/New_York", 4, ("Cleveland", "Columbus", "Cincinnati")),
    Place("US-MI", "Michigan", "America/Detroit", 4, ("Detroit", "Ann Arbor", "Grand Rapids")),
    Place("US-NJ", "New Jersey", "America/New_York", 3, ("Newark", "New Brunswick", "Camden")),
    Place("US-MD", "Maryland", "America/New_York", 3, ("Baltimore", "Bethesda")),
    Place("US-GA", "Georgia", "America/New_York", 3, ("Atlanta", "Augusta", "Savannah")),
    Place("US-NC", "North Carolina", "America/New_York", 3, ("Durham", "Charlotte", "Greenville")),
    Place("US-WA", "Washington", "America/Los_Angeles", 3, ("Seattle", "Spokane", "Tacoma")),
    Place("US-VA", "Virginia", "America/New_York", 2, ("Richmond", "Charlottesville", "Norfolk")),
    Place("US-MN", "Minnesota", "America/Chicago", 2, ("Minneapolis", "Rochester", "Duluth")),
    Place("US-CO", "Colorado", "America/Denver", 2, ("Denver", "Aurora", "Colorado Springs")),
    Place("US-AZ", "Arizona", "America/Phoenix", 2, ("Phoenix", "Tucson", "Flagstaff")),
    Place("US-TN", "Tennessee", "America/Chicago", 2, ("Nashville", "Memphis")),
    Place("US-MO", "Missouri", "America/Chicago", 2, ("St. Louis", "Kansas City", "Columbia")),
    Place("US-LA", "Louisiana", "America/Chicago", 1.5, ("New Orleans", "Baton Rouge", "Shreveport")),
    Place("US-OR", "Oregon", "America/Los_Angeles", 1.5, ("Portland", "Eugene")),
    Place("US-WI", "Wisconsin", "America/Chicago", 1.5, ("Milwaukee", "Madison")),
    Place("US-UT", "Utah", "America/Denver", 1, ("Salt Lake City", "Provo")),
    Place("US-NM", "New Mexico", "America/Denver", 1, ("Albuquerque", "Las Cruces")),
    Place("US-IA", "Iowa", "America/Chicago", 1, ("Iowa City", "Des Moines")),
    Place("US-KY", "Kentucky", "America/New_York", 1, ("Louisville", "Lexington")),
    Place("US-AL", "Alabama", "America/Chicago", 1, ("Birmingham", "Mobile")),
    Place("US-OK", "Oklahoma", "America/Chicago", 1, ("Oklahoma City", "Tulsa")),
    Place("US-NE", "Nebraska", "America/Chicago", 0.7, ("Omaha", "Lincoln")),
    Place("US-MS", "Mississippi", "America/Chicago", 0.7, ("Jackson", "Hattiesburg")),
    Place("US-HI", "Hawaii", "Pacific/Honolulu", 0.7, ("Honolulu", "Hilo")),
    Place("US-WV", "West Virginia", "America/New_York", 0.5, ("Morgantown", "Huntington")),
    Place("US-MT", "Montana", "America/Denver", 0.4, ("Billings", "Missoula")),
    Place("US-AK", "Alaska", "America/Anchorage", 0.4, ("Anchorage", "Fairbanks")),
    Place("US-SD", "South Dakota", "America/Chicago", 0.3, ("Sioux Falls", "Rapid City")),
)
ABROAD = {
    "CA-ON": Place("CA-ON", "Ontario", "America/Toronto", 1, ("Toronto", "Ottawa", "Hamilton")),
    "GB-LND": Place("GB-LND", "London", "Europe/London", 1, ("London",)),
    "IN-KA": Place("IN-KA", "Karnataka", "Asia/Kolkata", 1, ("Bengaluru", "Mysuru")),
    "IN-MH": Place("IN-MH", "Maharashtra", "Asia/Kolkata", 1, ("Mumbai", "Pune")),
    "PH-00": Place("PH-00", "Metro Manila", "Asia/Manila", 1, ("Manila", "Quezon City")),
    "NG-LA": Place("NG-LA", "Lagos", "Africa/Lagos", 1, ("Lagos",)),
    "MX-CMX": Place("MX-CMX", "Mexico City", "America/Mexico_City", 1, ("Mexico City",)),
    "KR-11": Place("KR-11", "Seoul", "Asia/Seoul", 1, ("Seoul",)),
    "CN-SH": Place("CN-SH", "Shanghai", "Asia/Shanghai", 1, ("Shanghai",)),
}
_US_BY_REGION = {place.region: place for place in US_PLACES}


# --- Heritage: names, languages, race/ethnicity -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heritage:
    """A loose cultural background that keeps a person's name, languages and race coherent."""

    race: tuple[str, ...]
    urm: bool
    languages: tuple[tuple[str, float], ...]  # (language, chance of speaking it)
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    international: float  # chance of being an international student / graduate
    abroad: tuple[str, ...] = ()  # where the international ones might live now
    places: tuple[str, ...] = ()  # US regions this heritage is more often found in


HERITAGES = {
    "european": Heritage(
        ("white",), False, (("fr", 0.04), ("de", 0.03), ("pl", 0.03), ("ru", 0.03), ("pt", 0.02)),
        ("Emily", "Sarah", "Hannah", "Olivia", "Claire", "Katherine", "Megan", "Rachel", "Abigail", "Laura",
         "Molly", "Grace", "Anna", "Elizabeth", "Caroline", "Natalie", "Erin", "Lauren", "Julia", "Rebecca"),
        ("James", "Michael", "Daniel", "Matthew", "Andrew", "Ryan", "Thomas", "William", "Benjamin", "Nathan",
         "Lucas", "Samuel", "Patrick", "Christopher", "Jacob", "Owen", "Connor", "Eric", "Adam", "Peter"),
        ("Smith", "Johnson", "Miller", "Anderson", "Thompson", "Walsh", "Murphy", "O'Brien", "Kowalski", "Nowak",
         "Schmidt", "Weber", "Larsen", "Nielsen", "Rossi", "Russo", "Bianchi", "Cohen", "Goldberg", "Levine",
         "Sullivan", "Fischer", "Bauer", "Novak", "Collins", "Brennan", "Hughes", "Campbell", "Stewart", "Reed",
         "Parker", "Bennett", "Foster", "Hayes", "Olsen", "Kaminski", "Romano", "Dubois", "Keller", "Byrne"),
        0.02, ("GB-LND", "CA-ON"),
    ),
    "hispanic": Heritage(
        ("hispanic_latino",), True, (("es", 0.75), ("pt", 0.03)),
        ("Sofia", "Isabella", "Valentina", "Camila", "Gabriela", "Mariana", "Daniela", "Lucia", "Ana", "Paola",
         "Ximena", "Alejandra", "Carolina", "Marisol", "Adriana", "Elena"),
        ("Mateo", "Santiago", "Diego", "Alejandro", "Carlos", "Javier", "Luis", "Miguel", "Andres", "Jorge",
         "Emilio", "Rafael", "Gabriel", "Julian", "Eduardo", "Ricardo"),
        ("Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "Sanchez", "Ramirez",
         "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Morales", "Ortiz", "Castillo", "Vargas", "Mendoza",
         "Reyes", "Cruz", "Gutierrez", "Chavez", "Delgado"),
        0.05, ("MX-CMX",), ("US-TX", "US-CA", "US-FL", "US-AZ", "US-NM", "US-NY", "US-IL"),
    ),
    "black": Heritage(
        ("black",), True, (("fr", 0.03), ("ht", 0.04)),
        ("Aaliyah", "Imani", "Jasmine", "Kiara", "Destiny", "Nia", "Brianna", "Taylor", "Maya", "Zora", "Simone",
         "Ebony", "Alexis", "Kendra", "Danielle", "Monique"),
        ("Jalen", "Malik", "Isaiah", "Jamal", "Darius", "Marcus", "Andre", "Xavier", "Terrence", "Elijah",
         "Jordan", "Cameron", "Derrick", "Quentin", "Brandon", "Cedric"),
        ("Washington", "Jackson", "Robinson", "Harris", "Williams", "Brown", "Jones", "Davis", "Coleman",
         "Jenkins", "Brooks", "Freeman", "Banks", "Bell", "Carter", "Simmons", "Hill", "Gaines", "Mitchell",
         "Edwards", "Pierre", "Toussaint"),
        0.02, (), ("US-GA", "US-MD", "US-NY", "US-LA", "US-MS", "US-NC", "US-IL", "US-TX", "US-AL"),
    ),
    "west_african": Heritage(
        ("black",), True, (("yo", 0.45), ("fr", 0.05)),
        ("Chiamaka", "Adaeze", "Ngozi", "Folake", "Amara", "Ifeoma", "Yetunde", "Abena", "Akosua", "Temitope"),
        ("Chinedu", "Emeka", "Oluwaseun", "Tunde", "Kwame", "Kofi", "Obinna", "Adebayo", "Ifeanyi", "Babajide"),
        ("Okafor", "Adeyemi", "Okonkwo", "Eze", "Nwosu", "Balogun", "Mensah", "Asante", "Oyelaran", "Ogunleye",
         "Boateng", "Owusu", "Adeleke", "Nwachukwu"),
        0.35, ("NG-LA", "GB-LND"), ("US-TX", "US-MD", "US-NY", "US-GA", "US-MN"),
    ),
    "chinese": Heritage(
        ("asian",), False, (("zh", 0.7),),
        ("Amy", "Grace", "Michelle", "Vivian", "Jenny", "Mei", "Xinyi", "Yuxin", "Ling", "Wen", "Catherine"),
        ("Kevin", "Eric", "Jason", "Brian", "Wei", "Hao", "Jun", "Yifan", "Tony", "Leo", "Zhihao"),
        ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Lin", "Zhou", "Wu", "Xu", "Yang", "Zhao", "Sun", "Ma",
         "Guo", "Tang"),
        0.15, ("CN-SH", "CA-ON"), ("US-CA", "US-NY", "US-WA", "US-MA", "US-NJ"),
    ),
    "south_asian": Heritage(
        ("asian",), False, (("hi", 0.5), ("ur", 0.1), ("bn", 0.1)),
        ("Priya", "Ananya", "Kavya", "Neha", "Shreya", "Divya", "Pooja", "Riya", "Meera", "Anjali", "Sana",
         "Nisha", "Isha", "Farhana"),
        ("Arjun", "Rohan", "Vikram", "Rahul", "Aditya", "Nikhil", "Sanjay", "Karthik", "Ravi", "Amit", "Imran",
         "Siddharth", "Dev", "Kabir"),
        ("Patel", "Shah", "Sharma", "Gupta", "Singh", "Reddy", "Iyer", "Nair", "Rao", "Desai", "Mehta", "Kumar",
         "Joshi", "Chaudhry", "Khan", "Malhotra", "Banerjee", "Chatterjee", "Rahman", "Hossain"),
        0.18, ("IN-KA", "IN-MH", "GB-LND"), ("US-NJ", "US-NY", "US-TX", "US-CA", "US-IL", "US-GA"),
    ),
    "korean": Heritage(
        ("asian",), False, (("ko", 0.6),),
        ("Seo-yeon", "Min-ji", "Ha-eun", "Jiyoung", "Grace", "Hannah", "Esther", "Soyeon"),
        ("Min-jun", "Ji-hoon", "Daniel", "Joseph", "Sung-min", "Hyun-woo", "David", "Jaewon"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin"),
        0.12, ("KR-11",), ("US-CA", "US-NY", "US-NJ", "US-WA", "US-GA"),
    ),
    "vietnamese": Heritage(
        ("asian",), False, (("vi", 0.65), ("fr", 0.03)),
        ("Linh", "Thao", "Ngoc", "Mai", "Anh", "Trang", "Vy", "Tiffany", "Christine"),
        ("Minh", "Tuan", "Huy", "Duc", "Khoa", "Bao", "Long", "Peter", "Vincent"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong"),
        0.05, (), ("US-CA", "US-TX", "US-WA", "US-LA", "US-VA"),
    ),
    "filipino": Heritage(
        ("asian",), False, (("tl", 0.55),),
        ("Maria", "Angelica", "Kristine", "Jasmine", "Patricia", "Camille", "Bea", "Ria"),
        ("John Paul", "Mark", "Joshua", "Carlo", "Paolo", "Rafael", "Miguel", "Jericho"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Mendoza", "Dela Cruz", "Garcia", "Ramos", "Aquino",
         "Villanueva", "Castro", "Navarro", "Manalo", "Dizon"),
        0.12, ("PH-00",), ("US-CA", "US-HI", "US-WA", "US-NV", "US-IL", "US-NJ"),
    ),
    "mena": Heritage(
        ("middle_eastern_north_african",), False, (("ar", 0.55), ("fa", 0.15), ("fr", 0.05)),
        ("Layla", "Yasmin", "Nour", "Mariam", "Lina", "Rania", "Sara", "Dina", "Farah", "Shirin", "Nazanin"),
        ("Omar", "Ahmed", "Yousef", "Karim", "Khalid", "Tarek", "Sami", "Hassan", "Ali", "Reza", "Dariush"),
        ("Haddad", "Khalil", "Nasser", "Saleh", "Hassan", "Mansour", "Aziz", "Farah", "Karimi", "Hosseini",
         "Rahimi", "Tehrani", "Abboud", "Said"),
        0.15, ("GB-LND", "CA-ON"), ("US-MI", "US-CA", "US-NY", "US-TX", "US-IL"),
    ),
    "native": Heritage(
        ("american_indian_alaska_native",), True, (),
        ("Winona", "Aiyana", "Shandiin", "Kaya", "Leah", "Jessica", "Autumn", "Tallulah"),
        ("Kai", "Elias", "Tyler", "Nathaniel", "Cody", "Dakota", "Ahiga", "Wyatt"),
        ("Begay", "Yazzie", "Tsosie", "Benally", "Nez", "Harjo", "Chee", "Locklear", "Oxendine", "Deschenie"),
        0.0, (), ("US-AZ", "US-NM", "US-OK", "US-SD", "US-MT", "US-AK", "US-NC"),
    ),
    "pacific": Heritage(
        ("native_hawaiian_pacific_islander",), True, (),
        ("Leilani", "Malia", "Kalani", "Noelani", "Mele", "Ana"),
        ("Keoni", "Kai", "Makoa", "Sione", "Tevita", "Ikaika"),
        ("Kahale", "Kealoha", "Akana", "Fifita", "Tupou", "Mahoe", "Palakiko"),
        0.0, (), ("US-HI", "US-UT", "US-CA", "US-WA"),
    ),
}  # fmt: skip
MENTEE_HERITAGE = {
    "european": 44, "hispanic": 14, "black": 11, "west_african": 2, "chinese": 6, "south_asian": 9, "korean": 2.5,
    "vietnamese": 2.5, "filipino": 3, "mena": 3.5, "native": 1.5, "pacific": 1,
}  # fmt: skip
MENTOR_HERITAGE = {
    "european": 52, "hispanic": 7, "black": 6, "west_african": 2, "chinese": 7, "south_asian": 12, "korean": 2.5,
    "vietnamese": 2, "filipino": 2.5, "mena": 4, "native": 0.6, "pacific": 0.4,
}  # fmt: skip
NEUTRAL_NAMES = ("Alex", "Sam", "Jordan", "Riley", "Avery", "Quinn", "Rowan", "Sage", "Emerson", "Kai")


# --- Specialties ------------------------------------------------------------------------------

# (specialty, subspecialties, weight): mostly generalists, and the subspecialties students ask about.
MENTOR_FIELDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("internal-medicine", (), 13),
    ("internal-medicine", ("cardiovascular-disease",), 4),
    ("internal-medicine", ("cardiovascular-disease", "interventional-cardiology"), 1),
    ("internal-medicine", ("cardiovascular-disease", "clinical-cardiac-electrophysiology"), 1),
    ("internal-medicine", ("gastroenterology",), 3),
    ("internal-medicine", ("pulmonary-disease", "critical-care-medicine"), 2),
    ("internal-medicine", ("endocrinology-diabetes-and-metabolism",), 2),
    ("internal-medicine", ("nephrology",), 2),
    ("internal-medicine", ("infectious-disease",), 2),
    ("internal-medicine", ("hematology", "medical-oncology"), 3),
    ("internal-medicine", ("rheumatology",), 1),
    ("internal-medicine", ("geriatric-medicine",), 1),
    ("internal-medicine", ("hospice-and-palliative-medicine",), 1),
    ("internal-medicine", ("sports-medicine",), 1),
    ("family-medicine", (), 10),
    ("family-medicine", ("sports-medicine",), 2),
    ("family-medicine", ("geriatric-medicine",), 1),
    ("family-medicine", ("adolescent-medicine",), 1),
    ("pediatrics", (), 8),
    ("pediatrics", ("neonatal-perinatal-medicine",), 2),
    ("pediatrics", ("pediatric-cardiology",), 1),
    ("pediatrics", ("pediatric-emergency-medicine",), 1),
    ("pediatrics", ("pediatric-hematology-oncology",), 1),
    ("pediatrics", ("pediatric-critical-care-medicine",), 1),
    ("pediatrics", ("developmental-behavioral-pediatrics",), 1),
    ("pediatrics", ("sports-medicine",), 1),
    ("general-surgery", (), 5),
    ("general-surgery", ("surgical-critical-care",), 1),
    ("general-surgery", ("pediatric-surgery",), 1),
    ("general-surgery", ("complex-general-surgical-oncology",), 1),
    ("emergency-medicine", (), 8),
    ("emergency-medicine", ("sports-medicine",), 1),
    ("emergency-medicine", ("medical-toxicology",), 1),
    ("emergency-medicine", ("emergency-medical-services",), 1),
    ("emergency-medicine", ("pediatric-emergency-medicine",), 1),
    ("psychiatry", (), 6),
    ("psychiatry", ("child-and-adolescent-psychiatry",), 2),
    ("psychiatry", ("addiction-psychiatry",), 1),
    ("psychiatry", ("consultation-liaison-psychiatry",), 1),
    ("obstetrics-and-gynecology", (), 6),
    ("obstetrics-and-gynecology", ("maternal-fetal-medicine",), 1),
    ("obstetrics-and-gynecology", ("gynecologic-oncology",), 1),
    ("obstetrics-and-gynecology", ("reproductive-endocrinology-and-infertility",), 1),
    ("orthopaedic-surgery", (), 3),
    ("orthopaedic-surgery", ("orthopaedic-sports-medicine",), 4),
    ("orthopaedic-surgery", ("surgery-of-the-hand",), 1),
    ("anesthesiology", (), 4),
    ("anesthesiology", ("pain-medicine",), 1),
    ("anesthesiology", ("pediatric-anesthesiology",), 1),
    ("anesthesiology", ("critical-care-medicine",), 1),
    ("neurology", (), 3),
    ("neurology", ("vascular-neurology",), 1),
    ("neurology", ("epilepsy",), 1),
    ("diagnostic-radiology", (), 3),
    ("diagnostic-radiology", ("neuroradiology",), 1),
    ("interventional-radiology", (), 1),
    ("dermatology", (), 3),
    ("dermatology", ("micrographic-dermatologic-surgery",), 1),
    ("ophthalmology", (), 2),
    ("otolaryngology-head-and-neck-surgery", (), 2),
    ("urology", (), 2),
    ("neurological-surgery", (), 2),
    ("plastic-surgery", (), 1),
    ("plastic-surgery", ("surgery-of-the-hand",), 1),
    ("physical-medicine-and-rehabilitation", (), 2),
    ("physical-medicine-and-rehabilitation", ("sports-medicine",), 1),
    ("physical-medicine-and-rehabilitation", ("spinal-cord-injury-medicine",), 1),
    ("anatomic-and-clinical-pathology", (), 2),
    ("anatomic-and-clinical-pathology", ("forensic-pathology",), 1),
    ("radiation-oncology", (), 1),
    ("vascular-surgery", (), 1),
    ("thoracic-and-cardiac-surgery", (), 1),
    ("colon-and-rectal-surgery", (), 1),
    ("allergy-and-immunology", (), 1),
    ("public-health-and-general-preventive-medicine", (), 1),
    ("occupational-medicine", (), 1),
    ("child-neurology", (), 1),
    ("clinical-genetics-and-genomics", (), 1),
)

# What students say they are aiming at (slug -> weight); subspecialty slugs are "<parent>--<key>".
MENTEE_TARGETS = {
    "internal-medicine": 10, "family-medicine": 6, "pediatrics": 7, "emergency-medicine": 7,
    "general-surgery": 6, "orthopaedic-surgery": 4, "orthopaedic-surgery--orthopaedic-sports-medicine": 3,
    "psychiatry": 5, "obstetrics-and-gynecology": 5, "anesthesiology": 4, "dermatology": 4, "neurology": 3,
    "diagnostic-radiology": 3, "neurological-surgery": 2, "otolaryngology-head-and-neck-surgery": 2,
    "ophthalmology": 2, "urology": 2, "plastic-surgery": 2, "physical-medicine-and-rehabilitation": 2,
    "internal-medicine--cardiovascular-disease": 3, "internal-medicine--medical-oncology": 2,
    "radiation-oncology": 1, "anatomic-and-clinical-pathology": 1, "interventional-radiology": 1,
    "child-neurology": 1, "pediatrics--pediatric-cardiology": 1, "family-medicine--sports-medicine": 1,
    "obstetrics-and-gynecology--maternal-fetal-medicine": 1,
}  # fmt: skip
ALLIED_HEALTH_TARGETS = {
    "orthopaedic-surgery": 3, "physical-medicine-and-rehabilitation": 3, "family-medicine": 3,
    "emergency-medicine": 3, "pediatrics": 2, "internal-medicine": 2, "psychiatry": 1, "dermatology": 1,
    "family-medicine--sports-medicine": 1, "orthopaedic-surgery--orthopaedic-sports-medicine": 1,
}  # fmt: skip

# The person, not the field: "an orthopaedic surgeon", not "an Orthopaedic Surgery physician".
PRACTITIONER = {
    "internal-medicine": "internist", "family-medicine": "family physician", "pediatrics": "pediatrician",
    "general-surgery": "general surgeon", "emergency-medicine": "emergency physician",
    "psychiatry": "psychiatrist", "obstetrics-and-gynecology": "OB/GYN", "orthopaedic-surgery": "orthopaedic surgeon",
    "anesthesiology": "anesthesiologist", "neurology": "neurologist", "diagnostic-radiology": "radiologist",
    "interventional-radiology": "interventional radiologist", "dermatology": "dermatologist",
    "ophthalmology": "ophthalmologist", "otolaryngology-head-and-neck-surgery": "head and neck surgeon (ENT)",
    "urology": "urologist", "neurological-surgery": "neurosurgeon", "plastic-surgery": "plastic surgeon",
    "physical-medicine-and-rehabilitation": "physiatrist (PM&R)", "anatomic-and-clinical-pathology": "pathologist",
    "radiation-oncology": "radiation oncologist", "vascular-surgery": "vascular surgeon",
    "thoracic-and-cardiac-surgery": "cardiothoracic surgeon", "colon-and-rectal-surgery": "colorectal surgeon",
    "allergy-and-immunology": "allergist and immunologist",
    "public-health-and-general-preventive-medicine": "preventive medicine physician",
    "occupational-medicine": "occupational medicine physician", "child-neurology": "child neurologist",
    "clinical-genetics-and-genomics": "clinical geneticist",
}  # fmt: skip
# Where a physician assistant, nurse practitioner, physical therapist or pharmacist fits in.
NON_PHYSICIAN_FIELDS = (
    ("pa", "physician assistant", "orthopaedic-surgery"),
    ("pa", "physician assistant", "emergency-medicine"),
    ("np", "nurse practitioner", "family-medicine"),
    ("np", "nurse practitioner", "pediatrics"),
    ("dpt", "physical therapist", "physical-medicine-and-rehabilitation"),
    ("pharmd", "clinical pharmacist", "internal-medicine"),
)

MENTEE_STAGES = {
    "high_school": 3, "undergraduate": 9, "post_bacc": 3, "gap_year": 3, "ms1": 4, "ms2": 4, "ms3": 5,
    "ms4": 4, "resident": 5, "fellow": 2, "allied_health": 3,
}  # fmt: skip


# --- Topics and words -----------------------------------------------------------------------

STAGE_TOPICS: dict[str, dict[str, float]] = {
    "premed": {
        "med_school_admissions": 10, "personal_statement": 5, "specialty_choice": 4, "research": 4,
        "mock_interview": 3, "clinical_skills": 2, "career_planning": 3, "networking": 2, "wellness": 1,
        "diversity_equity": 1, "global_health": 1,
    },
    "early_ms": {
        "specialty_choice": 8, "research": 6, "board_exams": 6, "wellness": 3, "clinical_skills": 3,
        "networking": 3, "presentations": 2, "work_life_balance": 2, "diversity_equity": 1, "leadership": 1,
        "global_health": 1,
    },
    "late_ms": {
        "residency_applications": 10, "personal_statement": 6, "mock_interview": 6, "specialty_choice": 4,
        "research": 3, "board_exams": 3, "networking": 3, "clinical_skills": 2,
    },
    "resident": {
        "fellowship_applications": 8, "career_planning": 6, "research": 5, "academic_medicine": 3,
        "work_life_balance": 4, "private_practice": 2, "presentations": 2, "board_exams": 2, "leadership": 2,
        "wellness": 2, "grant_writing": 1,
    },
    "fellow": {
        "career_planning": 8, "academic_medicine": 5, "grant_writing": 4, "private_practice": 4, "leadership": 4,
        "research": 4, "work_life_balance": 3, "networking": 3,
    },
    "allied_health": {
        "career_planning": 8, "clinical_skills": 7, "networking": 4, "specialty_choice": 3, "leadership": 2,
        "research": 1, "work_life_balance": 2,
    },
}  # fmt: skip
STAGE_GROUP = {
    **dict.fromkeys(PREMED_STAGES, "premed"), "ms1": "early_ms", "ms2": "early_ms", "ms3": "late_ms",
    "ms4": "late_ms", "resident": "resident", "fellow": "fellow", "allied_health": "allied_health",
}  # fmt: skip
MENTOR_TOPICS = {
    "specialty_choice": 8, "residency_applications": 8, "personal_statement": 6, "mock_interview": 6,
    "career_planning": 7, "research": 6, "work_life_balance": 5, "med_school_admissions": 5, "clinical_skills": 5,
    "fellowship_applications": 4, "board_exams": 4, "wellness": 4, "leadership": 3, "presentations": 3,
    "grant_writing": 2, "academic_medicine": 3, "private_practice": 2, "diversity_equity": 3, "global_health": 2,
    "networking": 4,
}  # fmt: skip
GOAL_PHRASES = {
    "specialty_choice": "figure out which specialty fits me",
    "med_school_admissions": "navigate the medical school application",
    "residency_applications": "put together a strong residency application",
    "fellowship_applications": "apply for fellowship",
    "personal_statement": "get honest feedback on my personal statement",
    "mock_interview": "practice interviewing",
    "research": "find a research project I can contribute to",
    "grant_writing": "write my first grant",
    "presentations": "prepare a conference presentation",
    "board_exams": "plan my board exam preparation",
    "clinical_skills": "sharpen my clinical skills",
    "career_planning": "plan my next career steps",
    "work_life_balance": "see how people keep a life outside medicine",
    "leadership": "grow as a leader",
    "wellness": "stay well through training",
    "diversity_equity": "learn how to push for equity in medicine",
    "global_health": "get involved in global health",
    "academic_medicine": "understand what an academic career looks like",
    "private_practice": "understand what private practice is really like",
    "networking": "meet people in the field",
}
CONTRIBUTION_PHRASES = {
    "research": "research projects",
    "clinical": "clinical projects",
    "grants": "grant writing",
    "presentations": "preparing presentations",
    "data_analysis": "data analysis (R and Python)",
    "teaching": "community outreach",
}
MAJORS = ("biology", "neuroscience", "chemistry", "public health", "psychology", "biomedical engineering",
          "kinesiology", "biochemistry", "Spanish and biology", "English")  # fmt: skip
GAP_YEAR_JOBS = ("a medical scribe", "a research assistant", "an EMT", "a clinical research coordinator",
                 "a certified nursing assistant", "a medical assistant")  # fmt: skip
ALLIED_PROGRAMS = (("physician assistant", "Physician Assistant Program"),
                   ("physical therapy", "Doctor of Physical Therapy Program"),
                   ("nursing", "School of Nursing"), ("pharmacy", "College of Pharmacy"))  # fmt: skip

VISIBILITIES_MENTEE = {"private": 45, "coordinators": 25, "everyone": 30}
VISIBILITIES_MENTOR = {"private": 30, "coordinators": 20, "everyone": 50}


# --- Generation -----------------------------------------------------------------------------


def mentor_email(number: int) -> str:
    return f"mentor{number:03d}@{DOMAIN}"


def mentee_email(number: int) -> str:
    return f"mentee{number:03d}@{DOMAIN}"


def make_npi(number: int) -> str:
    """A valid, unique-per-number NPI: 1 + a scrambled 8-digit body + the Luhn check digit."""
    body = (48271 * number + 31415926) % 10**8  # 48271 is prime to 10**8: a permutation
    first_nine = f"1{body:08d}"
    return first_nine + str(npi_check_digit(first_nine))


def is_unverified(number: int) -> bool:
    """About one mentor in thirteen awaits verification, so the coordinator queue is never empty.

    Never one of the first thirty, who between them cover every specialty in MENTOR_FIELDS.
    """
    return number > 30 and number % 13 == 0


def mentor_spec(number: int) -> MentorSpec:
    """Demo mentor number ``number`` (1-based)."""
    rng = random.Random(f"{SEED}:mentor:{number}")
    specialty, subspecialties = _mentor_field(number)
    if number > 30 and number % 29 == 11:  # a PA, NP, physical therapist or pharmacist
        profession, noun, specialty = NON_PHYSICIAN_FIELDS[(number // 29) % len(NON_PHYSICIAN_FIELDS)]
        noun = f"{noun} in {_target_name(specialty)}"
        subspecialties = ()
    else:
        profession = _weighted(rng, {"md": 80, "do": 20})
        noun = PRACTITIONER.get(specialty, "physician")

    heritage = HERITAGES[_weighted(rng, MENTOR_HERITAGE)]
    gender = _gender(rng, woman=0.46)
    international = rng.random() < min(0.6, heritage.international * 2.2 + 0.04)
    if profession == "md" and international and rng.random() < 0.35:
        profession = "mbbs"
    place = _place(rng, heritage, abroad=False)
    city = rng.choice(place.cities)
    first, last = _name(rng, heritage, gender)
    traits = {
        "first_generation": rng.random() < (0.22 if heritage.urm else 0.12),
        "urm": heritage.urm,
        "lgbtq": rng.random() < 0.06,
        "disability": rng.random() < 0.04,
        "rural": rng.random() < (0.35 if heritage is HERITAGES["native"] else 0.12),
        "international": international,
    }
    background = _background(rng, gender, heritage, traits, VISIBILITIES_MENTOR)
    languages = _languages(rng, heritage)
    years = max(1, min(40, round(rng.triangular(1, 36, 9))))
    academic = rng.random() < 0.55
    institution = _institution(rng, specialty, place, city, academic=academic)
    topics = _mentor_topics(rng, subspecialties, academic, background)
    modes = _modes(rng, video=0.92, phone=0.45, in_person=0.35)
    availability = _clinician_slots(rng, academic=academic)
    capacity = _weighted(rng, {1: 15, 2: 35, 3: 30, 4: 12, 5: 8})
    kinds = _weighted(
        rng,
        {
            ("long_term", "short_term", "task"): 45,
            ("long_term", "short_term"): 20,
            ("long_term",): 10,
            ("short_term", "task"): 15,
            ("task",): 5,
            ("long_term", "task"): 5,
        },
    )
    preferred_stages = _preferred_stages(rng, profession)
    preferred_groups = _preferred_groups(rng, background)
    field_phrase = _field_phrase(noun, subspecialties)
    bio = _mentor_bio(rng, field_phrase, institution, years, topics, background, languages, modes, city, academic)
    return MentorSpec(
        email=mentor_email(number),
        first_name=first,
        last_name=last,
        timezone=place.timezone,
        region=place.region,
        languages=languages,
        availability=availability,
        meeting_modes=modes,
        kinds=list(kinds),
        topics=topics,
        bio=bio,
        background=background,
        profession=profession,
        specialty=specialty,
        subspecialties=[f"{specialty}--{key}" for key in subspecialties],
        board_certified=profession in {"md", "do", "mbbs"} and (years >= 2 or rng.random() < 0.3),
        institution=institution,
        years_in_practice=years,
        npi=make_npi(number),
        license_state=place.region.removeprefix("US-") if not place.abroad else "",
        license_number=f"{rng.randint(10, 99)}{rng.randint(10000, 99999)}",
        capacity=capacity,
        accepting=rng.random() > 0.06,
        preferred_stages=preferred_stages,
        preferred_groups=preferred_groups,
        verified=not is_unverified(number),
    )


def mentee_spec(number: int) -> MenteeSpec:
    """Demo mentee number ``number`` (1-based)."""
    rng = random.Random(f"{SEED}:mentee:{number}")
    stage = _MENTEE_STAGE_ROSTER[(number - 1) % len(_MENTEE_STAGE_ROSTER)]
    group = STAGE_GROUP[stage]
    heritage = HERITAGES[_weighted(rng, MENTEE_HERITAGE)]
    gender = _gender(rng, woman=0.57)
    international = rng.random() < heritage.international + 0.04
    abroad = international and rng.random() < 0.45
    place = _place(rng, heritage, abroad=abroad)
    city = rng.choice(place.cities)
    first, last = _name(rng, heritage, gender)
    traits = {
        "first_generation": rng.random() < (0.38 if heritage.urm else 0.2),
        "urm": heritage.urm,
        "lgbtq": rng.random() < 0.1,
        "disability": rng.random() < 0.07,
        "rural": rng.random() < (0.5 if heritage is HERITAGES["native"] else 0.13),
        "international": international,
    }
    background = _background(rng, gender, heritage, traits, VISIBILITIES_MENTEE)
    languages = _languages(rng, heritage)
    targets = _targets(rng, stage)
    goals = _sample(rng, STAGE_TOPICS[group], rng.choice((2, 3, 3, 4)))
    kinds = _weighted(
        rng,
        {
            ("long_term",): 45,
            ("short_term",): 15,
            ("task",): 10,
            ("long_term", "short_term"): 20,
            ("short_term", "task"): 10,
        },
    )
    modes = _modes(rng, video=0.9, phone=0.3, in_person=0.3)
    availability = _student_slots(rng, stage)
    can_offer = _sample(
        rng,
        {"research": 5, "data_analysis": 3, "clinical": 2, "presentations": 2, "teaching": 2, "grants": 1},
        _weighted(rng, {0: 30, 1: 35, 2: 25, 3: 10}),
    )
    if stage == "high_school":
        can_offer = [c for c in can_offer if c in {"teaching", "presentations"}]
    school = _school(rng, stage, place, city)
    comfort = _comfort(rng, background)
    bio, goals_text = _mentee_bio(rng, stage, school, targets, goals, can_offer, background)
    return MenteeSpec(
        email=mentee_email(number),
        first_name=first,
        last_name=last,
        timezone=place.timezone,
        region=place.region,
        languages=languages,
        availability=availability,
        meeting_modes=modes,
        kinds=list(kinds),
        topics=goals,
        bio=bio,
        background=background,
        stage=stage,
        school=school,
        targets=targets,
        goals_text=goals_text,
        can_offer=can_offer,
        comfort_preferences=comfort,
        **_path(number, stage, targets),
    )


# Allied-health students say where they are heading; students on the road to medicine
# mostly leave it to the default (physician), a fifth name the DO path, a few MD/PhD.
ALLIED_HEALTH_PROFESSIONS = {"pa": 4, "np": 2, "pt_ot": 3, "nursing": 2, "pharmacy": 1}


def _path(number: int, stage: str, targets: list[str]) -> dict[str, Any]:
    """Profession, MD/PhD, current specialty and PGY year; its own random stream, so adding it
    changed no other generated value."""
    rng = random.Random(f"{SEED}:mentee-path:{number}")
    if stage == "allied_health":
        return {"intended_profession": _weighted(rng, ALLIED_HEALTH_PROFESSIONS)}
    path: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.2:
        path["intended_profession"] = "do"
    elif roll < 0.35:
        path["intended_profession"] = rng.choice(["md", "physician"])
    if stage in {"undergraduate", "post_bacc", "gap_year", "ms1", "ms2"} and rng.random() < 0.06:
        path["md_phd"], path["intended_profession"] = True, "md"
    if stage in {"resident", "fellow"} and targets:
        path["current_specialty"] = targets[0].split("--")[0]
        path["training_year"] = rng.randint(1, 3) if stage == "resident" else rng.randint(4, 7)
    return path


def demo_mentor() -> MentorSpec:
    """mentor@example.com: a verified, accepting orthopaedic sports-medicine surgeon."""
    return MentorSpec(
        email=DEMO_MENTOR_EMAIL,
        first_name="Dana",
        last_name="Whitfield",
        timezone="America/New_York",
        region="US-MA",
        languages=["en", "es"],
        availability=[
            {"day": 1, "start": "19:00", "end": "21:00"},
            {"day": 3, "start": "19:00", "end": "21:00"},
            {"day": 5, "start": "09:00", "end": "11:30"},
        ],
        meeting_modes=["video", "phone", "in_person"],
        kinds=["long_term", "short_term", "task"],
        topics=[
            "specialty_choice",
            "residency_applications",
            "mock_interview",
            "personal_statement",
            "research",
            "clinical_skills",
            "career_planning",
        ],
        bio=(
            "I'm an orthopaedic surgeon specializing in sports medicine at University Medical Center of Boston, "
            "12 years in practice. Most of my week is knee and shoulder injuries in athletes of every level, "
            "from high school teams to weekend runners. I love helping students through the orthopaedic "
            "residency application, and I usually have a clinical research project a motivated student can join. "
            "As the first in my family to go to college, I remember how much one good mentor mattered. "
            "Mentoring in English or Spanish."
        ),
        background={
            "gender_identity": ("woman", "everyone"),
            "first_generation": (True, "everyone"),
            "race_ethnicity": (["white"], "private"),
        },
        profession="md",
        specialty="orthopaedic-surgery",
        subspecialties=["orthopaedic-surgery--orthopaedic-sports-medicine"],
        board_certified=True,
        institution="University Medical Center of Boston",
        years_in_practice=12,
        npi=make_npi(0),
        license_state="MA",
        license_number="2412345",
        capacity=3,
        accepting=True,
        preferred_stages=["ms3", "ms4", "resident"],
        preferred_groups=["first_generation", "women"],
        verified=True,
    )


def demo_mentee() -> MenteeSpec:
    """mentee@example.com: a third-year student aiming at orthopaedic sports medicine."""
    return MenteeSpec(
        email=DEMO_MENTEE_EMAIL,
        first_name="Jordan",
        last_name="Alvarez",
        timezone="America/New_York",
        region="US-MA",
        languages=["en", "es"],
        availability=[
            {"day": 1, "start": "18:30", "end": "21:00"},
            {"day": 3, "start": "19:00", "end": "21:00"},
            {"day": 5, "start": "10:00", "end": "13:00"},
        ],
        meeting_modes=["video", "in_person"],
        kinds=["long_term"],
        topics=["residency_applications", "research", "mock_interview", "personal_statement"],
        bio=(
            "Third-year medical student at Massachusetts University School of Medicine. I played soccer through "
            "college, tore my ACL twice, and have wanted to treat athletes' knees ever since. I'm on my "
            "orthopaedics rotation now and planning away rotations for next year."
        ),
        background={
            "gender_identity": ("woman", "everyone"),
            "first_generation": (True, "coordinators"),
            "race_ethnicity": (["hispanic_latino"], "private"),
        },
        stage="ms3",
        school="Massachusetts University School of Medicine",
        targets=["orthopaedic-surgery--orthopaedic-sports-medicine"],
        goals_text=(
            "I'd like help to put together a strong orthopaedic residency application, find a sports-medicine "
            "research project, and practice interviewing before the season starts."
        ),
        can_offer=["research", "data_analysis"],
        comfort_preferences={"gender_identity": "nice", "first_generation": "important"},
    )


# --- Helpers ---------------------------------------------------------------------------------


def _roster(weights: Sequence[tuple[Any, int]], seed: str, key: Callable[[Any], Any] = lambda item: item) -> list[Any]:
    """The weighted copies of the items, shuffled, with one of each distinct ``key`` first.

    The first people generated then cover every key, so even a small demo is diverse.
    """
    rng = random.Random(seed)
    first: list[Any] = []
    rest: list[Any] = []
    seen: set[Any] = set()
    for item, weight in weights:
        for _ in range(weight):
            (rest if key(item) in seen else first).append(item)
            seen.add(key(item))
    rng.shuffle(first)
    rng.shuffle(rest)
    return first + rest


_MENTOR_FIELD_ROSTER: list[tuple[str, tuple[str, ...]]] = _roster(
    [((specialty, subs), weight) for specialty, subs, weight in MENTOR_FIELDS],
    f"{SEED}:mentor-fields",
    key=lambda item: item[0],
)
_MENTEE_STAGE_ROSTER: list[str] = _roster(list(MENTEE_STAGES.items()), f"{SEED}:mentee-stages")


def _mentor_field(number: int) -> tuple[str, tuple[str, ...]]:
    return _MENTOR_FIELD_ROSTER[(number - 1) % len(_MENTOR_FIELD_ROSTER)]


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sample(rng: random.Random, weights: Mapping[str, float], k: int) -> list[str]:
    """``k`` distinct keys, drawn by weight, in the mapping's order."""
    pool = dict(weights)
    chosen: set[str] = set()
    while pool and len(chosen) < k:
        key = _weighted(rng, pool)
        chosen.add(key)
        del pool[key]
    return [key for key in weights if key in chosen]


def _gender(rng: random.Random, *, woman: float) -> str:
    roll = rng.random()
    if roll < 0.02:
        return "nonbinary"
    if roll < 0.03:
        return "self_described"
    return "woman" if rng.random() < woman else "man"


def _name(rng: random.Random, heritage: Heritage, gender: str) -> tuple[str, str]:
    if gender == "woman":
        first = rng.choice(heritage.women)
    elif gender == "man":
        first = rng.choice(heritage.men)
    else:
        first = rng.choice(NEUTRAL_NAMES + heritage.women[:2] + heritage.men[:2])
    # Names travel: a few people carry a surname from another heritage (marriage, adoption, ...).
    surnames = heritage.surnames if rng.random() > 0.1 else HERITAGES[rng.choice(list(HERITAGES))].surnames
    return first, rng.choice(surnames)


def _place(rng: random.Random, heritage: Heritage, *, abroad: bool) -> Place:
    if abroad:
        options = heritage.abroad or ("CA-ON", "GB-LND", "IN-KA")
        return ABROAD[rng.choice(options)]
    if heritage.places and rng.random() < 0.5:
        known = [_US_BY_REGION[region] for region in heritage.places if region in _US_BY_REGION]
        return rng.choice(known)
    result: Place = rng.choices(US_PLACES, weights=[p.weight for p in US_PLACES])[0]
    return result


def _languages(rng: random.Random, heritage: Heritage) -> list[str]:
    languages = ["en"]
    for language, chance in heritage.languages:
        if rng.random() < chance:
            languages.append(language)
    if "es" not in languages and rng.random() < 0.08:  # learned on the job or at school
        languages.append("es")
    if "fr" not in languages and rng.random() < 0.02:
        languages.append("fr")
    assert all(language in LANGUAGE_NAMES for language in languages)
    return languages


def _background(
    rng: random.Random, gender: str, heritage: Heritage, traits: dict[str, bool], visibilities: Mapping[str, float]
) -> Background:
    """The attributes this person chose to fill in: many are left unset, more often when "no"."""
    found: Background = {}
    if rng.random() < 0.85:
        found["gender_identity"] = (gender, _weighted(rng, visibilities))
    if rng.random() < 0.7:
        races = list(heritage.race)
        if rng.random() < 0.06:  # multiracial
            extra = rng.choice(["white", "black", "asian", "hispanic_latino", "american_indian_alaska_native"])
            races = sorted({*races, extra})
        found["race_ethnicity"] = (races, _weighted(rng, visibilities))
    for attribute, value in traits.items():
        if rng.random() < (0.8 if value else 0.35):
            found[attribute] = (value, _weighted(rng, visibilities))
    return found


def _shares(background: Background, attribute: str) -> bool:
    """Has the person said yes to this attribute, visible to everyone? Only then may a bio mention it."""
    value, visibility = background.get(attribute, (None, "private"))
    return visibility == "everyone" and value is True


def _modes(rng: random.Random, *, video: float, phone: float, in_person: float) -> list[str]:
    modes = [
        mode for mode, chance in (("video", video), ("phone", phone), ("in_person", in_person)) if rng.random() < chance
    ]
    return modes or ["video"]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slots(raw: list[tuple[int, int, int]]) -> list[Slot]:
    """(day, start minute, end minute) triples, overlapping ones on the same day merged, sorted."""
    merged: list[list[int]] = []
    for day, start, end in sorted(raw):
        if merged and merged[-1][0] == day and start <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([day, start, end])
    return [{"day": day, "start": _hhmm(start), "end": _hhmm(min(end, 24 * 60))} for day, start, end in merged]


def _clinician_slots(rng: random.Random, *, academic: bool) -> list[Slot]:
    """Evenings and weekends mostly; early mornings, lunch breaks and protected academic time sometimes."""
    if rng.random() < 0.04:
        return []  # not filled in yet
    patterns = {"evening": 6, "weekend_morning": 3, "weekend_afternoon": 2, "lunch": 1.5, "early": 1}
    if academic:
        patterns["academic_afternoon"] = 1.5
    raw = []
    for _ in range(_weighted(rng, {1: 20, 2: 40, 3: 30, 4: 10})):
        pattern = _weighted(rng, patterns)
        if pattern == "evening":
            start = rng.choice((18 * 60, 18 * 60 + 30, 19 * 60, 19 * 60 + 30, 20 * 60))
            raw.append((rng.randrange(5), start, start + rng.choice((60, 90, 120))))
        elif pattern == "weekend_morning":
            start = rng.choice((8 * 60, 9 * 60, 10 * 60))
            raw.append((rng.choice((5, 6)), start, start + rng.choice((60, 120, 180))))
        elif pattern == "weekend_afternoon":
            start = rng.choice((13 * 60, 14 * 60, 15 * 60))
            raw.append((rng.choice((5, 6)), start, start + rng.choice((60, 120))))
        elif pattern == "lunch":
            raw.append((rng.randrange(5), 12 * 60, 13 * 60))
        elif pattern == "early":
            raw.append((rng.randrange(5), 6 * 60 + 30, 7 * 60 + 30))
        else:
            start = rng.choice((13 * 60, 14 * 60, 15 * 60))
            raw.append((rng.randrange(5), start, start + 120))
    return _slots(raw)


def _student_slots(rng: random.Random, stage: str) -> list[Slot]:
    if rng.random() < 0.05:
        return []
    if stage == "high_school":
        after_school, evening = (15 * 60 + 30, 17 * 60), (18 * 60, 20 * 60)
    elif stage in {"resident", "fellow"}:
        after_school, evening = (17 * 60 + 30, 19 * 60), (19 * 60, 21 * 60 + 30)
    else:
        after_school, evening = (15 * 60, 18 * 60), (17 * 60, 22 * 60)
    count = _weighted(rng, {1: 15, 2: 35, 3: 30, 4: 15, 5: 5}) if stage not in {"resident", "fellow"} else 2
    raw = []
    for _ in range(count):
        kind = _weighted(rng, {"evening": 5, "afternoon": 2, "weekend": 4})
        if kind == "evening":
            start = rng.randrange(evening[0], evening[1] - 60, 30)
            raw.append((rng.randrange(5), start, min(evening[1], start + rng.choice((60, 90, 120)))))
        elif kind == "afternoon":
            start = rng.randrange(after_school[0], after_school[1] - 30, 30)
            raw.append((rng.randrange(5), start, min(after_school[1], start + rng.choice((60, 90)))))
        else:
            start = rng.randrange(9 * 60, 17 * 60, 60)
            raw.append((rng.choice((5, 6)), start, start + rng.choice((60, 120, 180))))
    return _slots(raw)


def _institution(rng: random.Random, specialty: str, place: Place, city: str, *, academic: bool) -> str:
    if academic:
        options = [
            f"{place.name} University Hospital",
            f"University Medical Center of {city}",
            f"{place.name} State University Health",
        ]
        if specialty in {"pediatrics", "child-neurology"}:
            options.append(f"{city} Children's Hospital")
        if specialty in {"radiation-oncology"} or specialty.endswith("oncology"):
            options.append(f"{place.name} Cancer Institute")
        return rng.choice(options)
    options = [f"{city} Regional Medical Center", f"{city} Community Hospital", f"{city} Health Partners"]
    if specialty in {"family-medicine", "internal-medicine", "pediatrics"}:
        options += [f"{city} Community Health Center", f"{city} Family Health Partners"]
    if specialty == "orthopaedic-surgery":
        options.append(f"{city} Orthopaedic & Sports Medicine Associates")
    practices = {
        "dermatology": "Dermatology Associates",
        "ophthalmology": "Eye Associates",
        "allergy-and-immunology": "Allergy & Asthma Center",
    }
    if specialty in practices:
        options.append(f"{city} {practices[specialty]}")
    return rng.choice(options)


def _field_phrase(noun: str, subspecialties: tuple[str, ...]) -> str:
    if not subspecialties:
        return noun
    names = [_SUBSPECIALTY_NAMES.get(key, key.replace("-", " ")) for key in subspecialties]
    return f"{noun} specializing in {' and '.join(names)}"


# Lower-case subspecialty names as they read in a sentence.
_SUBSPECIALTY_NAMES = {
    "cardiovascular-disease": "cardiology",
    "interventional-cardiology": "interventional cardiology",
    "clinical-cardiac-electrophysiology": "electrophysiology",
    "endocrinology-diabetes-and-metabolism": "endocrinology",
    "pulmonary-disease": "pulmonary",
    "critical-care-medicine": "critical care",
    "hematology": "hematology",
    "medical-oncology": "oncology",
    "orthopaedic-sports-medicine": "sports medicine",
    "surgery-of-the-hand": "hand surgery",
    "micrographic-dermatologic-surgery": "Mohs surgery",
    "neonatal-perinatal-medicine": "neonatology",
    "reproductive-endocrinology-and-infertility": "reproductive endocrinology and infertility",
    "developmental-behavioral-pediatrics": "developmental-behavioral pediatrics",
    "complex-general-surgical-oncology": "surgical oncology",
    "consultation-liaison-psychiatry": "consultation-liaison psychiatry",
}


def _mentor_topics(rng: random.Random, subspecialties: tuple[str, ...], academic: bool, bg: Background) -> list[str]:
    weights = dict(MENTOR_TOPICS)
    if subspecialties:
        weights["fellowship_applications"] = 8
    if academic:
        weights.update(research=10, grant_writing=5, academic_medicine=6, presentations=5)
    else:
        weights.update(private_practice=5, work_life_balance=7)
    if bg.get("urm", (False,))[0] or bg.get("first_generation", (False,))[0]:
        weights["diversity_equity"] = 7
    if bg.get("international", (False,))[0]:
        weights["global_health"] = 6
    return _sample(rng, weights, _weighted(rng, {3: 20, 4: 30, 5: 25, 6: 15, 7: 10}))


def _preferred_stages(rng: random.Random, profession: str) -> list[str]:
    if profession in {"pa", "np", "dpt", "pharmd"}:
        return ["allied_health"] + (["undergraduate"] if rng.random() < 0.5 else [])
    choice = _weighted(
        rng,
        {
            "": 55,
            "premed": 10,
            "medical": 12,
            "clinical": 10,
            "trainees": 10,
            "everyone_early": 3,
        },
    )
    groups = {
        "": [],
        "premed": list(PREMED_STAGES),
        "medical": ["ms1", "ms2", "ms3", "ms4"],
        "clinical": ["ms3", "ms4"],
        "trainees": ["resident", "fellow"],
        "everyone_early": ["high_school", "undergraduate"],
    }
    stages: list[str] = groups[choice]
    assert set(stages) <= set(STAGES)
    return stages


def _preferred_groups(rng: random.Random, bg: Background) -> list[str]:
    groups = []
    if bg.get("gender_identity", ("",))[0] == "woman" and rng.random() < 0.4:
        groups.append("women")
    for flag in ("first_generation", "urm", "lgbtq", "disability", "rural", "international"):
        if bg.get(flag, (False,))[0] is True and rng.random() < 0.5:
            groups.append(flag)
    if not groups and rng.random() < 0.1:
        groups.append(rng.choice(["first_generation", "urm", "rural"]))
    return groups


def _targets(rng: random.Random, stage: str) -> list[str]:
    if stage == "allied_health":
        return [] if rng.random() < 0.3 else [_weighted(rng, ALLIED_HEALTH_TARGETS)]
    if stage in {"resident", "fellow"}:
        specialty, subspecialties = _MENTOR_FIELD_ROSTER[rng.randrange(len(_MENTOR_FIELD_ROSTER))]
        if subspecialties and (stage == "fellow" or rng.random() < 0.6):
            return [f"{specialty}--{subspecialties[0]}"]
        return [specialty]
    undecided = {"high_school": 0.6, "undergraduate": 0.4, "post_bacc": 0.35, "gap_year": 0.35}.get(stage, 0.15)
    if stage in {"ms3", "ms4"}:
        undecided = 0.03
    if rng.random() < undecided:
        return []
    count = _weighted(rng, {1: 60, 2: 30, 3: 10})
    return _sample(rng, MENTEE_TARGETS, count)


def _school(rng: random.Random, stage: str, place: Place, city: str) -> str:
    state = place.name
    if stage == "high_school":
        return rng.choice((f"{city} High School", f"{city} Central High School", f"{state} Science Academy"))
    if stage == "undergraduate":
        return rng.choice((f"{state} State University", f"{city} College", f"University of {state}, {city}"))
    if stage == "post_bacc":
        return f"{state} State University (post-baccalaureate premedical program)"
    if stage == "gap_year":
        return rng.choice((f"{city} Regional Medical Center", f"{state} University Hospital research labs"))
    if stage in {"resident", "fellow"}:
        return rng.choice((f"{state} University Hospital", f"University Medical Center of {city}"))
    if stage == "allied_health":
        program = rng.choice(ALLIED_PROGRAMS)[1]
        return f"{state} State University {program}"
    return rng.choice(
        (
            f"{state} University School of Medicine",
            f"{city} College of Osteopathic Medicine",
            f"{state} State University College of Medicine",
        )
    )


def _comfort(rng: random.Random, bg: Background) -> dict[str, str]:
    """Mentor qualities the mentee cares about; most have none, a few make one a must."""
    if rng.random() < 0.4:
        return {}
    found: dict[str, str] = {}
    gender = bg.get("gender_identity", (None,))[0]
    if gender in {"woman", "nonbinary"} and rng.random() < 0.45:
        found["gender_identity"] = _weighted(rng, {"nice": 50, "important": 40, "must": 10})
    if "race_ethnicity" in bg and bg.get("urm", (False,))[0] and rng.random() < 0.5:
        found["race_ethnicity"] = _weighted(rng, {"nice": 45, "important": 45, "must": 10})
    chances = {
        "urm": 0.4,
        "first_generation": 0.4,
        "lgbtq": 0.5,
        "international": 0.4,
        "disability": 0.3,
        "rural": 0.25,
    }
    for flag, chance in chances.items():
        if bg.get(flag, (False,))[0] is True and rng.random() < chance:
            found[flag] = _weighted(rng, {"nice": 50, "important": 42, "must": 8})
    return found


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def _topic_phrase(topic: str) -> str:
    overrides = {"personal_statement": "personal statements", "diversity_equity": "diversity and equity in medicine"}
    label = overrides.get(topic) or TOPIC_LABELS[topic]
    return label[0].lower() + label[1:]


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" or noun.startswith("OB") else "a"


def _mentor_bio(
    rng: random.Random,
    field_phrase: str,
    institution: str,
    years: int,
    topics: list[str],
    bg: Background,
    languages: list[str],
    modes: list[str],
    city: str,
    academic: bool,
) -> str:
    if years <= 2:
        experience = "just out of training"
    elif years < 6:
        experience = "a few years out of training"
    else:
        experience = f"{years} years in practice"
    sentences = [
        rng.choice(
            (
                f"I'm {_article(field_phrase)} {field_phrase} at {institution}, {experience}.",
                f"{field_phrase[0].upper()}{field_phrase[1:]} at {institution}; {experience}.",
            )
        )
    ]
    picked = [_topic_phrase(t) for t in rng.sample(topics, min(3, len(topics)))]
    sentences.append(
        rng.choice(
            (
                f"I especially enjoy helping with {_join(picked)}.",
                f"Happy to talk through {_join(picked)}; I remember how opaque it all felt.",
                f"Most of my mentoring has been about {_join(picked)}.",
            )
        )
    )
    if academic and "research" in topics:
        sentences.append("I run a small research group and usually have a project for a motivated student.")
    if _shares(bg, "first_generation"):
        sentences.append("As the first in my family to go to college, I know how much an early mentor matters.")
    elif _shares(bg, "rural"):
        sentences.append("I grew up in a small town and care a lot about rural health.")
    elif _shares(bg, "international"):
        sentences.append("I trained abroad before coming to the US, so I know the international route well.")
    if "in_person" in modes:
        sentences.append(f"Based in {city}; glad to meet in person if you're nearby.")
    extra = [LANGUAGE_NAMES[code] for code in languages if code != "en"]
    if extra:
        sentences.append(f"Mentoring in English or {_join(extra)}.")
    sentences.append(
        rng.choice(
            (
                "Send me a short note about where you are and what you need.",
                "Tell me what you're working toward and we'll make a plan.",
                "No question is too basic.",
                "",
            )
        )
    )
    return " ".join(s for s in sentences if s)


def _mentee_bio(
    rng: random.Random,
    stage: str,
    school: str,
    targets: list[str],
    goals: list[str],
    can_offer: list[str],
    bg: Background,
) -> tuple[str, str]:
    target_names = [_target_name(slug) for slug in targets]
    if stage == "high_school":
        opening = f"{rng.choice(('Junior', 'Senior'))} at {school}."
    elif stage == "undergraduate":
        year = rng.choice(("First-year", "Sophomore", "Junior", "Senior"))
        opening = f"{year} {rng.choice(MAJORS)} major at {school}, on the premed track."
    elif stage == "post_bacc":
        opening = f"Career changer in the post-bacc program at {school}."
    elif stage == "gap_year":
        opening = f"Taking a gap year before medical school, working as {rng.choice(GAP_YEAR_JOBS)}."
    elif stage in {"ms1", "ms2", "ms3", "ms4"}:
        ordinal = {"ms1": "First", "ms2": "Second", "ms3": "Third", "ms4": "Fourth"}[stage]
        opening = f"{ordinal}-year medical student at {school}."
    elif stage == "resident":
        parent, _, sub = (targets[0] if targets else "internal-medicine").partition("--")
        opening = f"PGY-{rng.randint(1, 4)} {_target_name(parent)} resident at {school}"
        opening += f", aiming at a {_target_name(targets[0])} fellowship." if sub else "."
    elif stage == "fellow":
        field = target_names[0] if target_names else "my subspecialty"
        opening = f"{field[0].upper()}{field[1:]} fellow at {school}, thinking about my first attending job."
    else:
        opening = f"Student at {school}."
    sentences = [opening]
    if stage not in {"resident", "fellow"}:
        if target_names:
            sentences.append(
                rng.choice(
                    (
                        f"Interested in {_join(target_names)}.",
                        f"Seriously considering {_join(target_names)}.",
                        f"Drawn to {_join(target_names)}, but keeping an open mind.",
                    )
                )
            )
        else:
            sentences.append("Still deciding on a specialty.")
    if _shares(bg, "first_generation"):
        sentences.append("First in my family to go to college.")
    if _shares(bg, "rural"):
        sentences.append("I grew up in a rural town and hope to practice in one.")
    if _shares(bg, "international"):
        sentences.append("I'm an international student.")
    if can_offer:
        sentences.append(f"Happy to help with {_join([CONTRIBUTION_PHRASES[c] for c in can_offer])}.")
    wishes = [GOAL_PHRASES[g] for g in goals]
    goals_text = f"I'd like to {_join(wishes)}." if wishes else ""
    return " ".join(sentences), goals_text


def _target_name(slug: str) -> str:
    specialty, _, sub = slug.partition("--")
    if sub:
        return _SUBSPECIALTY_NAMES.get(sub, sub.replace("-", " "))
    noun = PRACTITIONER.get(specialty)
    names = {
        "obstetrics-and-gynecology": "OB/GYN",
        "otolaryngology-head-and-neck-surgery": "ENT",
        "physical-medicine-and-rehabilitation": "PM&R",
        "anatomic-and-clinical-pathology": "pathology",
    }
    if specialty in names:
        return names[specialty]
    return specialty.replace("-", " ") if noun else specialty

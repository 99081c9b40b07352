"""What synthetic programmes are about: a phrase, pillars, real cluster and DAC 5-digit codes.

Humanitarian themes carry IASC cluster codes and, for about half the programmes, DAC codes of the
same sector family (so cross-vocabulary comparison works as in real IATI data); development and
peace themes carry DAC codes only. Codes missing from the loaded reference data are skipped.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    phrase: str
    pillars: str  # any of "HDP"
    clusters: tuple[str, ...] = ()
    dac: tuple[str, ...] = ()
    target: str = ""
    weight: int = 10


DISPLACED = "Internally displaced people, refugees, returnees and host communities"
CHILDREN = "Children under five, pregnant and lactating women"
FARMERS = "Smallholder farmers, pastoralists and women's groups"
YOUTH = "Young women and men aged 15–29"
COMMUNITIES = "Conflict-affected communities, local leaders and civil society"
OFFICIALS = "Local government staff and service providers"

THEMES = [
    # Humanitarian
    Theme("general food assistance", "H", ("FSC",), ("52010",), DISPLACED, 14),
    Theme("emergency water, sanitation and hygiene", "H", ("WSH",), ("14030", "14032"), DISPLACED, 14),
    Theme("emergency primary health care", "H", ("HEA",), ("12220", "12250"), DISPLACED, 12),
    Theme("treatment of acute malnutrition", "H", ("NUT",), ("12240",), CHILDREN, 10),
    Theme("protection monitoring and case management", "H", ("PRO",), (), DISPLACED, 8),
    Theme("gender-based violence prevention and response", "H", ("PRO-GBV",), (), DISPLACED, 6),
    Theme("child protection in emergencies", "H", ("PRO-CPN",), (), CHILDREN, 5),
    Theme("emergency shelter and non-food items", "H", ("SHL",), ("72010",), DISPLACED, 8),
    Theme("camp coordination and camp management", "H", ("CCM",), ("72050",), DISPLACED, 4),
    Theme("education in emergencies", "H", ("EDU",), ("11220",), CHILDREN, 6),
    Theme("humanitarian mine action", "H", ("PRO-MIN",), (), DISPLACED, 2),
    Theme("cholera preparedness and response", "H", ("WSH", "HEA"), ("14032", "12250"), DISPLACED, 4),
    Theme("multi-purpose cash and emergency livelihoods", "H", ("FSC", "ERY"), ("73010",), DISPLACED, 6),
    Theme("humanitarian logistics and common services", "H", ("LOG",), (), "Humanitarian partners", 2),
    Theme("housing, land and property assistance", "H", ("PRO-HLP",), (), DISPLACED, 2),
    # Development
    Theme("primary education and teacher training", "D", (), ("11220", "11130"), CHILDREN, 12),
    Theme("vocational training and jobs for youth", "D", (), ("11330", "16020"), YOUTH, 9),
    Theme("maternal and child health", "D", (), ("12220", "13020"), CHILDREN, 10),
    Theme("rural water supply and sanitation", "D", (), ("14031", "14032"), "Rural households", 10),
    Theme("climate-resilient agriculture", "D", (), ("31120", "31161", "41010"), FARMERS, 12),
    Theme("livestock and pastoral livelihoods", "D", (), ("31163", "31195"), FARMERS, 7),
    Theme("local governance and decentralisation", "D", (), ("15112", "15185"), OFFICIALS, 8),
    Theme("public financial management", "D", (), ("15111",), OFFICIALS, 3),
    Theme("social protection and safety nets", "D", (), ("16010",), "Poor and vulnerable households", 6),
    Theme("solar power for health facilities", "D", (), ("23067", "12230"), OFFICIALS, 4),
    Theme("small business and market development", "D", (), ("32130", "25030"), YOUTH, 6),
    Theme("disaster risk reduction", "D", (), ("43060", "74020"), "Flood- and drought-prone communities", 5),
    Theme("feeder roads and market access", "D", (), ("21021",), FARMERS, 3),
    Theme("women's economic empowerment", "D", (), ("15170", "32130"), "Women and girls", 6),
    Theme("household food security", "D", (), ("43072", "31166"), FARMERS, 7),
    Theme("health system strengthening", "D", (), ("12110", "12281"), OFFICIALS, 6),
    Theme("secondary education", "D", (), ("11320",), YOUTH, 4),
    Theme("access to justice and rule of law", "D", (), ("15130",), COMMUNITIES, 4),
    Theme("natural resource management", "D", (), ("41030", "31220"), FARMERS, 3),
    # Peace
    Theme("civilian peace-building and local dialogue", "P", (), ("15220",), COMMUNITIES, 12),
    Theme("reintegration of ex-combatants", "P", (), ("15240",), YOUTH, 5),
    Theme("prevention of recruitment of children", "P", (), ("15261",), CHILDREN, 3),
    Theme("security sector reform", "P", (), ("15210",), OFFICIALS, 3),
    Theme("mine clearance and risk education", "P", (), ("15250",), COMMUNITIES, 3),
    Theme("women, peace and security", "P", (), ("15220", "15170"), "Women peace-builders", 6),
    # Nexus mixes
    Theme("resilience of displaced and host communities", "HD", ("FSC",), ("31120", "43072"), DISPLACED, 8),
    Theme("durable solutions for returnees", "HD", ("PRO-HLP",), ("16040", "43040"), DISPLACED, 4),
    Theme("nutrition-sensitive agriculture", "HD", ("NUT",), ("12240", "31161"), FARMERS, 4),
    Theme("community reconciliation and livelihoods", "DP", (), ("15220", "32130"), COMMUNITIES, 6),
    Theme("inclusive local governance for peace", "DP", (), ("15185", "15220"), COMMUNITIES, 4),
    Theme("protection and social cohesion", "HP", ("PRO",), ("15220",), DISPLACED, 3),
    Theme("area-based recovery", "HDP", ("ERY",), ("73010", "15220", "43040"), COMMUNITIES, 4),
]

# Pillar mixes of programmes: humanitarian only ≈ 42 %, development ≈ 37 %, peace ≈ 8 %, mixes ≈ 13 %.
PILLAR_MIX = {"H": 42, "D": 37, "P": 8, "HD": 7, "DP": 3, "HP": 1, "HDP": 2}

TITLE_PATTERNS = (
    "{Phrase} in {place}",
    "{Phrase} in {place}",
    "{Phrase} for {people} in {place}",
    "Integrated {phrase}, {place}",
    "Strengthening {phrase} in {place}",
    "{Phrase} in {place} – phase {phase}",
)
PHASES = ("II", "II", "III", "IV")


def title_for(rng, theme: Theme, place: str) -> str:
    pattern = rng.choice(TITLE_PATTERNS)
    people = theme.target.split(",")[0].lower() if theme.target else "communities"
    return pattern.format(
        Phrase=theme.phrase[0].upper() + theme.phrase[1:],
        phrase=theme.phrase,
        place=place,
        people=people,
        phase=rng.choice(PHASES),
    )[:300]

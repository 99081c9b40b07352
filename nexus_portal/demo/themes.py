"""What background programmes are about: pillars, real DAC and cluster codes, and who typically does it."""

from dataclasses import dataclass

from programmes.pillars import derive_pillars


@dataclass(frozen=True)
class Theme:
    phrase: str
    pillars: str  # "" = derive from the humanitarian flag and DAC codes, as the portal does by default
    sectors: dict[str, int]  # code -> percentage, 100 per vocabulary
    implementers: tuple[str, ...]  # actor keys; only those operating in the country are used
    target_groups: str
    humanitarian: bool = False

    @property
    def resolved_pillars(self) -> str:
        """The pillars the programme gets: the explicit choice, else derived like the portal does."""
        if self.pillars:
            return self.pillars
        dac_codes = [code for code in self.sectors if code.isdigit()]
        derived = derive_pillars(humanitarian=self.humanitarian, dac_codes=dac_codes)
        return "".join(pillar for pillar in "HDP" if pillar in derived)


DISPLACED = "Internally displaced people, refugees, returnees and host communities"
CHILDREN = "Children under five, pregnant and lactating women"
FARMERS = "Smallholder farmers, pastoralists and women's groups"
YOUTH = "Young women and men aged 15–29"

HUMANITARIAN = [
    Theme(
        "general food assistance",
        "",
        {"72040": 100, "FSC": 100},
        ("wfp", "nrc", "oxfam", "amdr"),
        DISPLACED,
        humanitarian=True,
    ),
    Theme(
        "emergency water, sanitation and hygiene",
        "H",
        {"72010": 100, "WSH": 100},
        ("unicef", "oxfam", "nca", "unrda", "brwa", "gcro"),
        DISPLACED,
    ),
    Theme(
        "mobile health clinics",
        "H",
        {"72011": 100, "HEA": 100},
        ("icrc", "norcross", "msf", "irc", "ssrc", "srcs"),
        DISPLACED,
    ),
    Theme(
        "treatment of acute malnutrition",
        "H",
        {"12240": 100, "NUT": 100},
        ("unicef", "scn", "care_no", "swdn"),
        CHILDREN,
    ),
    Theme(
        "protection monitoring and GBV prevention",
        "H",
        {"72010": 100, "PRO": 50, "PRO-GBV": 50},
        ("unhcr", "drc", "irc", "swdn"),
        "Women and girls, survivors of violence, people with disabilities",
    ),
    Theme(
        "emergency shelter and household items",
        "H",
        {"72010": 100, "SHL": 100},
        ("unhcr", "nrc", "crm", "ssrc"),
        DISPLACED,
    ),
    Theme(
        "education in emergencies",
        "H",
        {"72012": 100, "EDU": 100},
        ("nrc", "unicef", "scn"),
        "Displaced children and their teachers",
    ),
    Theme(
        "site management for displaced families",
        "H",
        {"72050": 100, "CCM": 100},
        ("drc", "nrc", "unhcr"),
        "Residents of displacement sites",
    ),
]

DEVELOPMENT = [
    Theme(
        "primary education quality",
        "",
        {"11220": 100},
        ("scn", "unicef", "nca", "care_no"),
        "Primary school pupils, teachers and parents' associations",
    ),
    Theme(
        "primary health care",
        "D",
        {"12220": 70, "12230": 30},
        ("ss_moh", "care_no", "unicef", "ssrc"),
        "Rural communities and county health staff",
    ),
    Theme(
        "rural water supply",
        "",
        {"14031": 60, "14032": 40},
        ("nca", "unicef", "ml_dnh", "nsw", "brwa"),
        "Rural households and water user committees",
    ),
    Theme(
        "climate-smart agriculture", "D", {"31120": 50, "31161": 50}, ("fao", "ela", "amdr", "gas", "mercy"), FARMERS
    ),
    Theme("livestock value chains", "D", {"31163": 100}, ("fao", "mercy", "care_no"), FARMERS),
    Theme(
        "local government capacity",
        "D",
        {"15112": 100},
        ("undp", "baidoa_admin", "mopti_council"),
        "County and district officials",
    ),
    Theme(
        "social protection and cash transfers",
        "D",
        {"16010": 100},
        ("unicef", "wfp", "sahel_pay"),
        "Poor and vulnerable households",
    ),
    Theme("vocational training for youth", "D", {"11330": 100}, ("nrc", "nca", "scn", "swdn"), YOUTH),
    Theme(
        "women's economic empowerment",
        "D",
        {"15170": 50, "16020": 50},
        ("care_no", "swdn", "jwpn", "acdi"),
        "Women's savings groups and cooperatives",
    ),
    Theme("rural development planning", "D", {"430": 100}, ("undp", "fao", "amdr"), "District planning committees"),
]

PEACE = [
    Theme(
        "community peacebuilding and dialogue",
        "",
        {"15220": 100},
        ("sfcg", "nca", "jwpn", "jyp", "fpm"),
        "Community leaders, youth and women peace committees",
    ),
    Theme(
        "reintegration of former combatants",
        "P",
        {"15240": 100},
        ("undp", "sfcg"),
        "Former combatants and receiving communities",
    ),
    Theme(
        "mine clearance and risk education",
        "HP",
        {"15250": 100, "PRO-MIN": 100},
        ("npa",),
        "Communities near contaminated land",
        humanitarian=True,
    ),
]

NEXUS = [
    Theme(
        "resilience and food security",
        "HD",
        {"52010": 50, "31120": 50, "FSC": 100},
        ("wfp", "fao", "nca", "drc"),
        FARMERS,
        humanitarian=True,
    ),
    Theme(
        "cash transfers linked to social protection",
        "HD",
        {"16010": 100, "FSC": 100},
        ("wfp", "nrc", "swdn"),
        "Food-insecure households",
        humanitarian=True,
    ),
    Theme(
        "durable solutions for displaced people",
        "HDP",
        {"73010": 40, "16020": 30, "15220": 30, "ERY": 100},
        ("nrc", "drc", "undp", "unhcr"),
        DISPLACED,
        humanitarian=True,
    ),
    Theme(
        "local governance and reconciliation",
        "DP",
        {"15112": 50, "15220": 50},
        ("undp", "nca", "sfcg"),
        "Local authorities, traditional leaders and civil society",
    ),
]

# How often each family of themes is drawn for a background programme.
THEME_WEIGHTS = ((HUMANITARIAN, 40), (DEVELOPMENT, 38), (PEACE, 9), (NEXUS, 13))

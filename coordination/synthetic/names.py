"""Plausible, fictional organisation names (well-known donors and UN agencies keep their real names)."""

import random

UN_AGENCIES = (
    # name, acronym, mandates, adheres to humanitarian principles, implementer weight
    ("World Food Programme", "WFP", "HD", True, 10),
    ("United Nations Children's Fund", "UNICEF", "HD", True, 10),
    ("United Nations High Commissioner for Refugees", "UNHCR", "HD", True, 6),
    ("United Nations Development Programme", "UNDP", "DP", False, 7),
    ("Food and Agriculture Organization of the United Nations", "FAO", "HD", False, 5),
    ("World Health Organization", "WHO", "HD", False, 4),
    ("United Nations Population Fund", "UNFPA", "HD", False, 3),
    ("International Organization for Migration", "IOM", "HD", True, 5),
    ("UN Women", "UN Women", "DP", False, 2),
    ("United Nations Mine Action Service", "UNMAS", "HP", False, 1),
)
OCHA = ("United Nations Office for the Coordination of Humanitarian Affairs", "OCHA")
OTHER_DONORS = (
    ("European Civil Protection and Humanitarian Aid Operations", "ECHO", "development_agency", "H"),
    ("Foreign, Commonwealth and Development Office", "FCDO", "donor_ministry", "HDP"),
    ("Swedish International Development Cooperation Agency", "Sida", "development_agency", "HDP"),
)

_INGO_FIRST = (
    "Global", "Hope", "Action", "Horizon", "Lifeline", "Compass", "Bridge", "Solidarity", "Mercy", "Frontline",
    "Harvest", "Open Hands", "Common Ground", "Clear Water", "Safe Haven", "Future", "Kindred", "Beacon",
)  # fmt: skip
_INGO_LAST = (
    "International", "Relief", "Aid", "Alliance", "Worldwide", "Without Borders", "Initiative", "Partnership",
)  # fmt: skip
_NORWEGIAN = (
    "Norwegian {w} Council", "Norwegian {w} Aid", "{w} Norway", "Norwegian {w} Alliance", "Norwegian {w} Mission",
)  # fmt: skip
_NORWEGIAN_WORDS = ("Development", "Relief", "Peace", "Church", "People's", "Youth", "Health", "Rural", "Education")
_LOCAL_FIRST = (
    "Hope", "Unity", "New Horizon", "Sunrise", "Harmony", "Progress", "Renewal", "Lifeline", "Oasis", "Trust",
    "Bright Future", "Green Valley", "Star", "Peace", "Women's", "Youth", "Farmers'", "Community",
)  # fmt: skip
_LOCAL_LAST = (
    "Development Organisation", "Relief Association", "Network", "Initiative", "Foundation", "Action Group",
    "Aid Society", "Health Alliance", "Union", "Forum", "Rights Centre", "Education Trust", "Water Collective",
    "Empowerment Centre", "Resilience Network",
)  # fmt: skip
_AUTHORITY_TOPICS = ("Health", "Education", "Agriculture", "Water Resources", "Social Development", "Peace Building")
_NATIONAL_MINISTRIES = (
    "Ministry of Humanitarian Affairs and Disaster Management", "Ministry of Health", "Ministry of Agriculture",
    "Ministry of Education", "Ministry of Peace Building",
)  # fmt: skip
_OTHER = (
    ("{c} Institute for Policy Research", "research"),
    ("{c} Centre for Peace and Conflict Studies", "research"),
    ("{w} Microfinance", "private_sector"),
    ("{w} Logistics Ltd", "private_sector"),
    ("{w} Consulting", "private_sector"),
)


def acronym(name: str) -> str:
    letters = "".join(word[0] for word in name.replace("–", " ").split() if word[0].isupper())
    return letters[:8]


class Namer:
    """Hands out names without repeats (a numbered suffix when a pattern runs out)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.used:
            n += 1
            candidate = f"{name} {n}"
        self.used.add(candidate)
        return candidate

    def ingo(self) -> str:
        return self.unique(f"{self.rng.choice(_INGO_FIRST)} {self.rng.choice(_INGO_LAST)}")

    def norwegian(self) -> str:
        return self.unique(self.rng.choice(_NORWEGIAN).format(w=self.rng.choice(_NORWEGIAN_WORDS)))

    def national(self, country: str) -> str:
        return self.unique(f"{country} {self.rng.choice(_LOCAL_FIRST)} {self.rng.choice(_LOCAL_LAST)}")

    def local(self, region: str) -> str:
        first, last = self.rng.choice(_LOCAL_FIRST), self.rng.choice(_LOCAL_LAST)
        return self.unique(self.rng.choice((f"{region} {first} {last}", f"{first} {last} of {region}")))

    def local_authority(self, region: str) -> str:
        return self.unique(f"{region} Department of {self.rng.choice(_AUTHORITY_TOPICS)}")

    def ministry(self, country: str, topic: int) -> str:
        return self.unique(f"{_NATIONAL_MINISTRIES[topic % len(_NATIONAL_MINISTRIES)]} ({country})")

    def other(self, country: str) -> tuple[str, str]:
        pattern, kind = self.rng.choice(_OTHER)
        return self.unique(pattern.format(c=country, w=self.rng.choice(_LOCAL_FIRST))), kind

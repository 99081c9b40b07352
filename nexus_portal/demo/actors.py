"""The demo's organisations: Norwegian donors, UN agencies, the Red Cross movement, NGOs, authorities.

Well-known organisations keep their real names; national and local organisations are fictional but
plausible. IATI organisation identifiers are given only where they are certain: Norad's (as in the
portal's own help text) and the UN agencies' (XM-DAC + their OECD DAC channel code, CRSChannelCode list).
"""

from dataclasses import dataclass

from actors.choices import ActorKind as K
from actors.choices import Localness as L
from actors.models import Actor
from nexus_portal.demo.context import DemoContext
from nexus_portal.demo.places import COUNTRIES


@dataclass(frozen=True)
class ActorSpec:
    key: str
    name: str
    acronym: str
    kind: str
    localness: str
    mandates: str  # any of "HDP"
    countries: tuple[str, ...]
    org_type: str = ""
    iati: str = ""
    parent: str = ""
    principles: bool = False


ALL = COUNTRIES
INT, NAT, LOC = L.INTERNATIONAL, L.NATIONAL, L.LOCAL

ACTORS = [
    # Norwegian government: the ministry, its embassies (own donor units) and the development agency.
    ActorSpec(
        "mfa",
        "Norwegian Ministry of Foreign Affairs",
        "MFA",
        K.DONOR_MINISTRY,
        INT,
        "HDP",
        ("NO", *ALL),
        "10",
    ),
    ActorSpec(
        "emb_juba", "Royal Norwegian Embassy in Juba", "RNE Juba", K.EMBASSY, INT, "DP", ("SS",), "10", parent="mfa"
    ),
    ActorSpec(
        "emb_bamako",
        "Royal Norwegian Embassy in Bamako",
        "RNE Bamako",
        K.EMBASSY,
        INT,
        "DP",
        ("ML",),
        "10",
        parent="mfa",
    ),
    ActorSpec(
        "emb_nairobi",
        "Royal Norwegian Embassy in Nairobi",
        "RNE Nairobi",
        K.EMBASSY,
        INT,
        "DP",
        ("KE", "SO"),
        "10",
        parent="mfa",
    ),
    ActorSpec(
        "norad",
        "Norwegian Agency for Development Cooperation",
        "Norad",
        K.DEVELOPMENT_AGENCY,
        INT,
        "DP",
        ("NO", *ALL),
        "10",
        "NO-BRC-971277882",
    ),
    # United Nations.
    ActorSpec("wfp", "World Food Programme", "WFP", K.UN_AGENCY, INT, "HD", ALL, "40", "XM-DAC-41140", principles=True),
    ActorSpec(
        "unicef",
        "United Nations Children's Fund",
        "UNICEF",
        K.UN_AGENCY,
        INT,
        "HD",
        ALL,
        "40",
        "XM-DAC-41122",
        principles=True,
    ),
    ActorSpec(
        "unhcr",
        "Office of the United Nations High Commissioner for Refugees",
        "UNHCR",
        K.UN_AGENCY,
        INT,
        "H",
        ALL,
        "40",
        "XM-DAC-41121",
        principles=True,
    ),
    ActorSpec(
        "undp", "United Nations Development Programme", "UNDP", K.UN_AGENCY, INT, "DP", ALL, "40", "XM-DAC-41114"
    ),
    ActorSpec(
        "fao",
        "Food and Agriculture Organization of the United Nations",
        "FAO",
        K.UN_AGENCY,
        INT,
        "HD",
        ALL,
        "40",
        "XM-DAC-41301",
    ),
    ActorSpec(
        "ocha",
        "United Nations Office for the Coordination of Humanitarian Affairs",
        "OCHA",
        K.UN_AGENCY,
        INT,
        "H",
        ALL,
        "40",
        "XM-DAC-41127",
        principles=True,
    ),
    ActorSpec(
        "sshf",
        "South Sudan Humanitarian Fund",
        "SSHF",
        K.UN_AGENCY,
        INT,
        "H",
        ("SS",),
        "40",
        parent="ocha",
        principles=True,
    ),
    ActorSpec(
        "shf", "Somalia Humanitarian Fund", "SHF", K.UN_AGENCY, INT, "H", ("SO",), "40", parent="ocha", principles=True
    ),
    # Red Cross / Red Crescent movement: national societies are national actors.
    ActorSpec(
        "icrc", "International Committee of the Red Cross", "ICRC", K.RED_CROSS, INT, "H", ALL, "21", principles=True
    ),
    ActorSpec(
        "norcross", "Norwegian Red Cross", "NorCross", K.RED_CROSS, INT, "H", ("SS", "SO"), "21", principles=True
    ),
    ActorSpec("ssrc", "South Sudan Red Cross", "SSRC", K.RED_CROSS, NAT, "HD", ("SS",), "22", principles=True),
    ActorSpec("crm", "Croix-Rouge malienne", "CRM", K.RED_CROSS, NAT, "H", ("ML",), "22", principles=True),
    ActorSpec("srcs", "Somali Red Crescent Society", "SRCS", K.RED_CROSS, NAT, "H", ("SO",), "22", principles=True),
    # Norwegian NGOs.
    ActorSpec("nrc", "Norwegian Refugee Council", "NRC", K.NORWEGIAN_NGO, INT, "HD", ALL, "21", principles=True),
    ActorSpec("nca", "Norwegian Church Aid", "NCA", K.NORWEGIAN_NGO, INT, "HDP", ALL, "21", principles=True),
    ActorSpec("npa", "Norwegian People's Aid", "NPA", K.NORWEGIAN_NGO, INT, "HDP", ("SS",), "21"),
    ActorSpec(
        "scn", "Save the Children Norway", "SCN", K.NORWEGIAN_NGO, INT, "HD", ("SS", "SO"), "21", principles=True
    ),
    ActorSpec("care_no", "CARE Norway", "CARE", K.NORWEGIAN_NGO, INT, "HD", ("ML", "SO"), "21", principles=True),
    # International NGOs.
    ActorSpec("drc", "Danish Refugee Council", "DRC", K.INTERNATIONAL_NGO, INT, "HD", ALL, "21", principles=True),
    ActorSpec("mercy", "Mercy Corps", "", K.INTERNATIONAL_NGO, INT, "HD", ("SS", "ML", "SO"), "21"),
    ActorSpec(
        "irc",
        "International Rescue Committee",
        "IRC",
        K.INTERNATIONAL_NGO,
        INT,
        "H",
        ("SS", "ML", "SO"),
        "21",
        principles=True,
    ),
    ActorSpec("oxfam", "Oxfam", "", K.INTERNATIONAL_NGO, INT, "HD", ("SS", "ML"), "21", principles=True),
    ActorSpec("msf", "Médecins Sans Frontières", "MSF", K.INTERNATIONAL_NGO, INT, "H", ALL, "21", principles=True),
    ActorSpec("sfcg", "Search for Common Ground", "SFCG", K.INTERNATIONAL_NGO, INT, "P", ("SS", "ML"), "21"),
    # South Sudan: national and local organisations, authorities.
    ActorSpec("acdi", "Aweil Community Development Initiative", "ACDI", K.LOCAL_NGO, LOC, "D", ("SS",), "22"),
    ActorSpec("jwpn", "Juba Women's Peace Network", "JWPN", K.LOCAL_NGO, LOC, "P", ("SS",), "22"),
    ActorSpec("ela", "Equatoria Livelihoods Association", "ELA", K.NATIONAL_NGO, NAT, "D", ("SS",), "22"),
    ActorSpec(
        "unrda",
        "Upper Nile Relief and Development Agency",
        "UNRDA",
        K.NATIONAL_NGO,
        NAT,
        "HD",
        ("SS",),
        "22",
        principles=True,
    ),
    ActorSpec("jyp", "Jonglei Youth for Peace", "JYP", K.LOCAL_NGO, LOC, "P", ("SS",), "22"),
    ActorSpec(
        "ss_moa",
        "Ministry of Agriculture and Food Security, South Sudan",
        "MAFS",
        K.NATIONAL_AUTHORITY,
        NAT,
        "D",
        ("SS",),
        "10",
    ),
    ActorSpec("ss_moh", "Ministry of Health, South Sudan", "MoH", K.NATIONAL_AUTHORITY, NAT, "HD", ("SS",), "10"),
    ActorSpec("yei_health", "Yei River County Health Department", "", K.LOCAL_AUTHORITY, LOC, "D", ("SS",), "11"),
    ActorSpec("jprc", "Juba Policy Research Centre", "JPRC", K.RESEARCH, NAT, "DP", ("SS",), "80"),
    # Mali.
    ActorSpec(
        "amdr", "Association Malienne pour le Développement Rural", "AMDR", K.NATIONAL_NGO, NAT, "HD", ("ML",), "22"
    ),
    ActorSpec("fpm", "Femmes et Paix Mopti", "FPM", K.LOCAL_NGO, LOC, "P", ("ML",), "22"),
    ActorSpec("gas", "Groupement Agricole de Ségou", "GAS", K.LOCAL_NGO, LOC, "D", ("ML",), "22"),
    ActorSpec(
        "ml_dnh", "Direction Nationale de l'Hydraulique, Mali", "DNH", K.NATIONAL_AUTHORITY, NAT, "D", ("ML",), "10"
    ),
    ActorSpec("mopti_council", "Conseil Régional de Mopti", "", K.LOCAL_AUTHORITY, LOC, "D", ("ML",), "11"),
    ActorSpec("sahel_pay", "Sahel Mobile Money SA", "", K.PRIVATE_SECTOR, NAT, "D", ("ML",), "72"),
    # Somalia.
    ActorSpec(
        "gcro", "Gedo Community Relief Organization", "GCRO", K.LOCAL_NGO, LOC, "H", ("SO",), "22", principles=True
    ),
    ActorSpec("swdn", "Somali Women's Development Network", "SWDN", K.NATIONAL_NGO, NAT, "HDP", ("SO",), "22"),
    ActorSpec("brwa", "Bay Regional Water Association", "BRWA", K.LOCAL_NGO, LOC, "HD", ("SO",), "22"),
    ActorSpec(
        "so_mohadm",
        "Ministry of Humanitarian Affairs and Disaster Management, Somalia",
        "MoHADM",
        K.NATIONAL_AUTHORITY,
        NAT,
        "H",
        ("SO",),
        "10",
    ),
    ActorSpec("baidoa_admin", "Baidoa District Administration", "", K.LOCAL_AUTHORITY, LOC, "D", ("SO",), "11"),
    # Norwegian research and business.
    ActorSpec("cmi", "Chr. Michelsen Institute", "CMI", K.RESEARCH, INT, "DP", ALL, "80"),
    ActorSpec("nsw", "Nordic Solar Water AS", "NSW", K.PRIVATE_SECTOR, INT, "D", ("SS", "SO"), "71"),
]


def build_actors(ctx: DemoContext) -> None:
    for spec in ACTORS:
        actor = Actor(
            name=spec.name,
            acronym=spec.acronym,
            iati_identifier=spec.iati,
            iati_org_type=spec.org_type,
            kind=spec.kind,
            localness=spec.localness,
            mandate_humanitarian="H" in spec.mandates,
            mandate_development="D" in spec.mandates,
            mandate_peace="P" in spec.mandates,
            parent=ctx.actors[spec.parent] if spec.parent else None,
            adheres_to_humanitarian_principles=spec.principles,
        )
        actor.full_clean()
        actor.save()
        actor.countries.set([ctx.area(code) for code in spec.countries])
        ctx.actors[spec.key] = actor

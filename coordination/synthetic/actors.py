"""Synthetic actors: Norwegian donors and their embassies, other donors, UN agencies and pooled funds,
the Red Cross movement, international and Norwegian NGOs with country offices, national and local
NGOs, authorities, research and private organisations (about N/50 in all).

Local actors get a home region (admin-1 area) and work there; country offices are children of their
headquarters and embassies children of the ministry, as the rules expect (`organisation_of`).
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

from actors.choices import ActorKind as K
from actors.choices import Localness as L
from actors.models import Actor
from coordination.synthetic import names
from coordination.synthetic.context import MARKER, Picker, Synth, insert, zipf_weights

ORG_TYPES = {
    K.DONOR_MINISTRY: "10", K.EMBASSY: "10", K.DEVELOPMENT_AGENCY: "10", K.UN_AGENCY: "40", K.RED_CROSS: "21",
    K.INTERNATIONAL_NGO: "21", K.NORWEGIAN_NGO: "21", K.NATIONAL_NGO: "22", K.LOCAL_NGO: "24",
    K.NATIONAL_AUTHORITY: "10", K.LOCAL_AUTHORITY: "11", K.PRIVATE_SECTOR: "72", K.RESEARCH: "80",
}  # fmt: skip
# Who implements programmes of each pillar: share of programmes per group of actors.
GROUP_SHARES = {
    "H": {"un": 20, "ingo": 30, "nngo": 15, "rc": 5, "national": 17, "local": 10, "authority": 3},
    "D": {"un": 12, "ingo": 25, "nngo": 13, "national": 22, "local": 10, "authority": 13, "other": 5},
    "P": {"un": 10, "ingo": 20, "nngo": 20, "national": 25, "local": 15, "other": 10},
}
NGO_MANDATES = {"H": 20, "HD": 35, "D": 20, "HDP": 10, "DP": 10, "P": 5}


@dataclass(slots=True, eq=False)  # compared by identity
class ActorInfo:
    """What later phases need to know about an actor, without holding model instances."""

    name: str
    acronym: str
    kind: str
    localness: str
    mandates: str
    group: str
    countries: tuple[str, ...]
    principles: bool = False
    parent: "ActorInfo | None" = None
    region: int | None = None  # home admin-1 area of local actors
    weight: float = 1.0
    serial: int = 0
    id: int = 0

    @property
    def is_national_or_local(self) -> bool:
        return self.localness in (L.NATIONAL, L.LOCAL)


@dataclass
class ActorPools:
    all: list[ActorInfo] = field(default_factory=list)
    mfa: ActorInfo | None = None
    norad: ActorInfo | None = None
    ocha: ActorInfo | None = None
    other_donors: list[ActorInfo] = field(default_factory=list)
    embassy: dict[str, ActorInfo] = field(default_factory=dict)
    pooled_fund: dict[str, ActorInfo] = field(default_factory=dict)
    implementers: dict[tuple[str, str], Picker] = field(default_factory=dict)
    local_in_region: dict[int, list[ActorInfo]] = field(default_factory=lambda: defaultdict(list))
    national_in: dict[str, list[ActorInfo]] = field(default_factory=lambda: defaultdict(list))
    working_in: dict[str, list[ActorInfo]] = field(default_factory=lambda: defaultdict(list))

    def donor_units(self, code: str) -> list[ActorInfo]:
        return [self.mfa, self.norad, self.embassy[code]]


def build_actors(synth: Synth) -> ActorPools:
    started = time.perf_counter()
    rng, pools = synth.rng, ActorPools()
    namer = names.Namer(rng)
    codes = tuple(country.code for country in synth.countries)

    def add(name, acronym, kind, localness, mandates, group, countries, **extra) -> ActorInfo:
        info = ActorInfo(name, acronym, kind, localness, mandates, group, countries, serial=len(pools.all) + 1, **extra)
        pools.all.append(info)
        return info

    pools.mfa = add("Norwegian Ministry of Foreign Affairs", "MFA", K.DONOR_MINISTRY, L.INTERNATIONAL, "HDP",
                    "donor", codes)  # fmt: skip
    pools.norad = add("Norwegian Agency for Development Cooperation", "Norad", K.DEVELOPMENT_AGENCY,
                      L.INTERNATIONAL, "DP", "donor", codes)  # fmt: skip
    for name, short, kind, mandates in names.OTHER_DONORS:
        pools.other_donors.append(add(name, short, kind, L.INTERNATIONAL, mandates, "donor", codes))
    pools.ocha = add(*names.OCHA, K.UN_AGENCY, L.INTERNATIONAL, "H", "coordination", codes, principles=True)
    for name, short, mandates, principles, weight in names.UN_AGENCIES:
        add(name, short, K.UN_AGENCY, L.INTERNATIONAL, mandates, "un", codes, principles=principles, weight=weight)
    add("International Committee of the Red Cross", "ICRC", K.RED_CROSS, L.INTERNATIONAL, "H", "rc", codes,
        principles=True, weight=3)  # fmt: skip
    add("International Federation of Red Cross and Red Crescent Societies", "IFRC", K.RED_CROSS, L.INTERNATIONAL,
        "H", "rc", codes, principles=True)  # fmt: skip
    for country in synth.countries:
        code, cname = country.code, country.name
        pools.embassy[code] = add(f"Royal Norwegian Embassy in {cname}", f"RNE {code}", K.EMBASSY, L.INTERNATIONAL,
                                  "DP", "donor", (code,), parent=pools.mfa)  # fmt: skip
        pools.pooled_fund[code] = add(f"{cname} Humanitarian Fund", f"{code}HF", K.UN_AGENCY, L.INTERNATIONAL, "H",
                                      "donor", (code,), parent=pools.ocha)  # fmt: skip
        add(f"{cname} Red Cross/Red Crescent Society", f"{code}RCS", K.RED_CROSS, L.NATIONAL, "H", "rc", (code,),
            principles=True, weight=2)  # fmt: skip
        for topic in (0, rng.randint(1, 4)):  # the humanitarian ministry and one sector ministry
            add(namer.ministry(cname, topic), "", K.NATIONAL_AUTHORITY, L.NATIONAL, "D" if topic else "HD",
                "authority", (code,), weight=2)  # fmt: skip
    _add_ngos(synth, pools, namer, add)
    countries = _insert(synth, pools.all)
    _index(synth, pools)
    synth.progress.done("actors", started, actors=len(pools.all), countries_of_operation=countries)
    return pools


def _add_ngos(synth: Synth, pools: ActorPools, namer: names.Namer, add) -> None:
    """International and Norwegian NGOs with country offices, then national and local organisations."""
    rng, codes = synth.rng, [country.code for country in synth.countries]
    room = synth.scale.actors - len(pools.all)
    offices_left = max(len(codes), room // 4)
    for kind, count in ((K.INTERNATIONAL_NGO, max(4, room * 3 // 100)), (K.NORWEGIAN_NGO, max(3, room * 3 // 200))):
        group = "ingo" if kind == K.INTERNATIONAL_NGO else "nngo"
        weights = zipf_weights(count, 0.8)
        for rank in range(count):
            name = namer.ingo() if group == "ingo" else namer.norwegian()
            mandates = _mandates(rng)
            principles = "H" in mandates and rng.random() < 0.7
            where = rng.sample(codes, min(len(codes), rng.randint(2, 6)))
            hq = add(name, names.acronym(name), kind, L.INTERNATIONAL, mandates, "hq", tuple(where),
                     principles=principles)  # fmt: skip
            for code in where[: max(1, min(len(where), offices_left))]:
                add(f"{name} – {synth.country(code).name}", f"{hq.acronym} {code}", kind, L.INTERNATIONAL, mandates,
                    group, (code,), principles=principles, parent=hq, weight=weights[rank] * 10)  # fmt: skip
                offices_left -= 1
    # Every country gets a national and a local NGO first, then the rest follows the programme shares.
    remaining = max(2 * len(codes), synth.scale.actors - len(pools.all))
    shares = Picker(synth.countries, [country.share for country in synth.countries])
    for index in range(remaining):
        if index < 2 * len(codes):
            country, draw = synth.countries[index % len(codes)], (0.1 if index < len(codes) else 0.5)
        else:
            country, draw = shares.pick(rng), rng.random()
        region = country.region(rng)
        code = (country.code,)
        if draw < 0.38:
            name = namer.national(country.name)
            mandates = _mandates(rng)
            add(name, names.acronym(name), K.NATIONAL_NGO, L.NATIONAL, mandates, "national", code,
                principles="H" in mandates and rng.random() < 0.4, weight=rng.paretovariate(2.0))  # fmt: skip
        elif draw < 0.86:
            name = namer.local(region.name)
            add(name, names.acronym(name), K.LOCAL_NGO, L.LOCAL, _mandates(rng), "local", code, region=region.id,
                weight=rng.paretovariate(2.5))  # fmt: skip
        elif draw < 0.95:
            mandates = "D" if rng.random() < 0.7 else "HD"
            add(namer.local_authority(region.name), "", K.LOCAL_AUTHORITY, L.LOCAL, mandates, "authority", code,
                region=region.id)  # fmt: skip
        else:
            name, kind = namer.other(country.name)
            mandates = "DP" if kind == K.RESEARCH else "D"
            add(name, names.acronym(name), kind, L.NATIONAL, mandates, "other", code)


def _mandates(rng) -> str:
    return rng.choices(list(NGO_MANDATES), weights=list(NGO_MANDATES.values()))[0]


def _insert(synth: Synth, infos: list[ActorInfo]) -> int:
    """Parents first (their ids are needed), then the rest; then countries of operation."""
    for generation in ([i for i in infos if i.parent is None], [i for i in infos if i.parent is not None]):
        objs = [
            Actor(
                name=info.name[:250],
                acronym=info.acronym[:40],
                iati_identifier=f"{MARKER}ORG-{info.serial:05d}",
                iati_org_type=ORG_TYPES[info.kind],
                kind=info.kind,
                localness=info.localness,
                mandate_humanitarian="H" in info.mandates,
                mandate_development="D" in info.mandates,
                mandate_peace="P" in info.mandates,
                parent_id=info.parent.id if info.parent else None,
                adheres_to_humanitarian_principles=info.principles,
            )
            for info in generation
        ]
        insert(Actor, objs)
        for info, obj in zip(generation, objs, strict=True):
            info.id = obj.pk
    country_ids = {country.code: country.id for country in synth.countries}
    through = Actor.countries.through
    rows = [through(actor_id=info.id, area_id=country_ids[code]) for info in infos for code in info.countries]
    insert(through, rows)
    return len(rows)


def _index(synth: Synth, pools: ActorPools) -> None:
    """Pickers of implementers per country and pillar, and the local actors of each region."""
    for info in pools.all:
        if info.group in ("donor", "hq", "coordination"):
            continue
        for code in info.countries:
            pools.working_in[code].append(info)
            if info.kind in (K.NATIONAL_NGO, K.RED_CROSS) and info.is_national_or_local:
                pools.national_in[code].append(info)
        if info.region is not None and info.kind == K.LOCAL_NGO:
            pools.local_in_region[info.region].append(info)
    for country in synth.countries:
        for pillar, shares in GROUP_SHARES.items():
            members = [info for info in pools.working_in[country.code] if pillar in info.mandates]
            group_totals = defaultdict(float)
            for info in members:
                group_totals[info.group] += info.weight
            weights = [shares.get(info.group, 0) * info.weight / group_totals[info.group] for info in members]
            pools.implementers[(country.code, pillar)] = Picker(members, weights)

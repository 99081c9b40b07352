"""Where and on what each organisation works: a few regions and districts, a few themes.

Organisations come back to the same districts and sectors grant after grant (one implementer's
parallel grants are the commonest "duplicate" in real 3W data), so a district's programmes are
grouped by organisation instead of drawn independently. A footprint is made the first time an
organisation leads a programme in a country; one programme in five still goes somewhere new.
"""

import random
from dataclasses import dataclass, field

from coordination.synthetic.actors import ActorInfo
from coordination.synthetic.context import Picker
from coordination.synthetic.places import Country, Region
from coordination.synthetic.themes import Theme

STAY_IN_FOOTPRINT = 0.8
PREFERRED_THEMES = 0.8


@dataclass(slots=True)
class Footprint:
    regions: list[Region]
    districts: Picker | None
    themes: dict[str, list[Theme]] = field(default_factory=dict)  # by pillar mix


class Footprints:
    def __init__(self, rng: random.Random, themes: dict[str, list[Theme]]):
        self.rng = rng
        self.themes = themes
        self.known: dict[tuple[int, str], Footprint] = {}

    def of(self, actor: ActorInfo, country: Country, home: Region | None) -> Footprint:
        key = (actor.id, country.code)
        if key not in self.known:
            self.known[key] = self._draw(actor, country, home)
        return self.known[key]

    def _draw(self, actor: ActorInfo, country: Country, home: Region | None) -> Footprint:
        rng = self.rng
        if home is not None:
            regions = [home]
        else:  # bigger organisations cover more of the country
            reach = 1 + min(len(country.regions) - 1, int(rng.paretovariate(1.5) * (2 if actor.group == "un" else 1)))
            regions = list(dict.fromkeys(country.region(rng) for _ in range(reach)))
        # Lists, never sets of ids: the order must not depend on database ids (same seed, same data).
        districts = list(dict.fromkeys(r.picker.pick(rng) for r in regions if r.picker for _ in range(4)))
        return Footprint(regions, Picker(districts, [1.0] * len(districts)) if districts else None)

    def theme(self, actor: ActorInfo, footprint: Footprint, mix: str) -> Theme:
        """Mostly one of the two or three themes the organisation is known for in this mix."""
        rng, options = self.rng, self.themes[mix]
        weights = [theme.weight for theme in options]
        if mix not in footprint.themes:
            footprint.themes[mix] = list(dict.fromkeys(rng.choices(options, weights=weights, k=3)))
        if rng.random() < PREFERRED_THEMES:
            return rng.choice(footprint.themes[mix])
        return rng.choices(options, weights=weights)[0]

    def district(self, footprint: Footprint, country: Country, local: bool) -> int | None:
        """A district of the footprint, sometimes a new one (local organisations stay at home)."""
        if footprint.districts and (local or self.rng.random() < STAY_IN_FOOTPRINT):
            return footprint.districts.pick(self.rng)
        return country.district_picker.pick(self.rng) if country.district_picker else None

    def region(self, footprint: Footprint, country: Country) -> Region:
        if self.rng.random() < STAY_IN_FOOTPRINT:
            return self.rng.choice(footprint.regions)
        return country.region(self.rng)

"""Default pillars of a programme, derived from its humanitarian flag and DAC sectors (domain.md)."""

from collections.abc import Iterable

from programmes.choices import Pillar

HUMANITARIAN_DAC_PREFIXES = ("720", "730", "740")
PEACE_DAC_PREFIX = "152"


def derive_pillars(*, humanitarian: bool, dac_codes: Iterable[str]) -> set[str]:
    """H when flagged humanitarian or any DAC 720xx/730xx/740xx code; P for 152xx; otherwise D."""
    codes = [code for code in dac_codes if code]
    pillars: set[str] = set()
    if humanitarian or any(code.startswith(HUMANITARIAN_DAC_PREFIXES) for code in codes):
        pillars.add(Pillar.HUMANITARIAN)
    if any(code.startswith(PEACE_DAC_PREFIX) for code in codes):
        pillars.add(Pillar.PEACE)
    if not pillars:
        pillars.add(Pillar.DEVELOPMENT)
    return pillars

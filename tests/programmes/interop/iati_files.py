"""Test IATI files: the fixture files, and small activities built in the tests."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "iati"
EXAMPLE = FIXTURES / "activity-standard-example-annotated.xml"
MAPPING = FIXTURES / "portal-mapping.xml"


def activity_xml(
    identifier: str,
    *,
    body: str = "",
    reporting: str = "XM-TEST-NGO1",
    sector: str | None = None,
    country: str = "SS",
    humanitarian: str = "",
    extra_attrs: str = "",
    reporting_name: str = "Hope International",
) -> str:
    """One small valid activity; `body` adds elements, `sector` replaces the default DAC 14030 sector."""
    sector_xml = sector if sector is not None else '<sector vocabulary="1" code="14030" percentage="100"/>'
    flag = f' humanitarian="{humanitarian}"' if humanitarian else ""
    return (
        f'<iati-activity xml:lang="en" default-currency="NOK"{flag}{extra_attrs}>'
        f"<iati-identifier>{identifier}</iati-identifier>"
        f'<reporting-org ref="{reporting}" type="21"><narrative>{reporting_name}</narrative></reporting-org>'
        f"<title><narrative>Activity {identifier}</narrative></title>"
        '<activity-status code="2"/><activity-date iso-date="2025-01-01" type="1"/>'
        f'<recipient-country code="{country}"/>{sector_xml}{body}'
        "</iati-activity>"
    )  # fmt: skip


def activities_file(*activities: str, version: str = "2.03") -> str:
    body = "".join(activities)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}">{body}</iati-activities>'

"""Load the reference data files (reference/data/) into Area, Sector and CodeListItem."""

from reference.loading.errors import ReferenceDataError
from reference.loading.loader import LoadReport, load_reference_data

__all__ = ["LoadReport", "ReferenceDataError", "load_reference_data"]

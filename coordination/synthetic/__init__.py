"""Realistic synthetic data at scale, for benchmarks: `manage.py generate_synthetic`.

Built on the loaded reference data (real p-codes, DAC and cluster codes). Deterministic for a
seed; written with bulk_create in batches, in one transaction; every generated programme and actor
carries an IATI identifier starting with "SYN-". Meant for an empty benchmark database.
"""

from coordination.synthetic.generator import (
    AlreadyGenerated,
    MissingReferenceData,
    TooManyCountries,
    generate,
)

__all__ = ["AlreadyGenerated", "MissingReferenceData", "TooManyCountries", "generate"]

"""The commitments' setting is the `cm` fixture of tests/conftest.py (shared with progress):
a scheduled meeting of a small province with two invited regencies, the programme nomenclature
loaded, and an official poverty baseline for the first regency."""
from tests.factories import first_agency_commitment

data = first_agency_commitment  # data(cm, **overrides): a commitment of cm's first agency

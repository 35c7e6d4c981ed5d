"""The council registry shipped with sendwatch."""

import csv
from collections import Counter

from sendwatch.registry import REGISTRY_COLUMNS, default_registry_path, load_registry, validate_registry


def test_registry_is_sound():
    reg = load_registry()
    assert validate_registry(reg) == []


def test_slugs_unique_and_columns_as_documented():
    with open(default_registry_path(), newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == REGISTRY_COLUMNS
        slugs = [r["slug"] for r in reader]
    assert [s for s, n in Counter(slugs).items() if n > 1] == []


def test_every_education_authority_present():
    reg = load_registry()
    eas = [c for c in reg.values() if c.education_authority]
    assert len(eas) == 153
    codes = [c.dfe_la_code for c in eas]
    assert all(len(code) == 3 and code.isdigit() for code in codes) and len(set(codes)) == 153
    assert {"barnsley", "leeds", "surrey", "york", "birmingham"} <= {c.slug for c in eas}


def test_platform_counts():
    reg = load_registry()
    counts = Counter(c.platform for c in reg.values() if c.education_authority)
    assert counts["moderngov"] >= 130 and counts["cmis"] >= 10

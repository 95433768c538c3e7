"""State changes of the nomenclature of specialties."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from nmo.catalog.models import Specialty


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def default_specialties_path() -> Path:
    return Path(settings.BASE_DIR) / "data" / "specialties.csv"


@transaction.atomic
def load_specialties(*, path: Path | None = None) -> LoadResult:
    """Load the nomenclature from the project's data file; repeated loads change nothing
    that administrators did not change in the file."""
    created = updated = 0
    with (path or default_specialties_path()).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            obj, was_created = Specialty.objects.get_or_create(
                code=row["code"].strip(),
                defaults={"name": row["name"].strip(), "level": row["level"].strip()},
            )
            if was_created:
                created += 1
    return LoadResult(created=created, updated=updated)

"""The values phase 3 writes: the incident report's, or seeded random ones (--random).

Only these five text fields are written; FAQs are never touched by the check.
"""

from __future__ import annotations

import random
import secrets

from contracts.models import LIMITS, BusinessUpdate

CHECKED_FIELDS = ("name", "industry", "common_services", "business_hours", "description")

REPORT_VALUES: dict[str, str] = {
    "name": "Lex Makes It",
    "industry": "Software Development, Website Development",
    "common_services": "Software Development, Website Development",
    "business_hours": "Monday-Friday, 12:00 PM - 10:00 PM",
    "description": (
        "We provide software development and website development services. "
        "For more information, visit lexmakesit.com."
    ),
}


def new_seed() -> int:
    return secrets.randbelow(2**31)


def random_values(seed: int) -> dict[str, str]:
    """Plausible business settings from Faker, the same for the same seed, within the limits."""
    from faker import Faker  # imported here: only --random pays for it

    chooser = random.Random(seed)  # Faker's own locale choice is not covered by its seed
    fake = Faker(chooser.choice(["en_US", "fr_FR", "de_DE", "ja_JP", "ar_AA"]))
    fake.seed_instance(seed)
    english = Faker("en_US")
    english.seed_instance(seed)
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    first, last = sorted(fake.random_sample(range(7), length=2))
    opens, closes = fake.random_int(6, 11), fake.random_int(1, 11)
    values = {
        "name": fake.company(),
        "industry": english.bs().title(),
        "common_services": ", ".join(english.words(nb=4, unique=True)).capitalize(),
        "business_hours": f"{days[first]}-{days[last]}, {opens}:00 AM - {closes}:30 PM",
        "description": f"{fake.paragraph(nb_sentences=3)} Visit {fake.domain_name()}.",
    }
    values = {key: value[: LIMITS[key]] for key, value in values.items()}
    BusinessUpdate.model_validate(values)  # our own values must obey the contract too
    return values


def marker_values(fields: list[str]) -> dict[str, str]:
    """A value unique to this run for each field, so that a write is a visible change."""
    tag = secrets.token_hex(6)
    return {name: f"settings-e2e marker {tag} ({name})" for name in fields}

"""The partner countries the set-up commands know by ISO code (shared by ``load_demo`` and
``bootstrap``; the leading underscore keeps Django from treating this as a command)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Country
from dialogue import services as dialogue_services


@dataclass(frozen=True)
class PartnerCountry:
    code: str
    name: str
    time_zone: str


PARTNER_COUNTRIES: dict[str, PartnerCountry] = {
    "IN": PartnerCountry("IN", "India", "Asia/Kolkata"),
    "LA": PartnerCountry("LA", "Lao PDR", "Asia/Vientiane"),
    "MY": PartnerCountry("MY", "Malaysia", "Asia/Kuala_Lumpur"),
    "JP": PartnerCountry("JP", "Japan", "Asia/Tokyo"),
}


@transaction.atomic
def ensure_country(partner: PartnerCountry, *, actor=None) -> tuple[Country, bool]:
    """The country with its dialogue space and caucuses; created through the service only if
    the country does not exist yet (so running a set-up command twice changes nothing)."""
    existing = Country.objects.filter(code=partner.code.upper()).first()
    if existing is not None:
        return existing, False
    country, _space, _caucuses = dialogue_services.add_country(
        actor=actor, code=partner.code, name=partner.name, time_zone=partner.time_zone
    )
    return country, True

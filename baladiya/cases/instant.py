"""Instant processing (traitement instantané): accept and issue at once when the register agrees.

A procedure declares its rule, e.g. ``{"registry": "civil_status", "record": "birth"}``. On
submission the national civil-status register is asked for the record with the citizen's
answers (NIN, or names + birth date + commune). When it is found, the case is accepted by the
system and the extract issued from the register's data. When the register is unreachable or the
record is not found, nothing is lost: the case stays with the service, which processes it by
hand, and the trail says why.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from baladiya.cases.models import Case

logger = logging.getLogger(__name__)


def _answer(answers: dict, *keys: str) -> str:
    for key in keys:
        value = answers.get(key)
        if isinstance(value, dict):  # a commune answer: {"id", "name_fr", "name_ar"}
            from baladiya.territory.models import Commune

            value = (
                Commune.objects.filter(pk=int(value.get("id") or 0))
                .values_list("ons_code", flat=True)
                .first()
                or ""
            )
        if value:
            return str(value)
    return ""


def _birth_date(answers: dict) -> datetime.date | None:
    raw = _answer(answers, "birth_date", "date_of_birth")
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def try_instant_processing(case: Case) -> bool:
    """Accept and issue ``case`` at once if its procedure's rule is met. True when it was."""
    from baladiya.cases import services
    from baladiya.cases.documents import issue_attestation
    from baladiya.registries.connector import (
        RegistryError,
        RegistryUnavailable,
        get_civil_status_registry,
    )

    procedure = case.procedure
    rule = getattr(procedure, "instant_rules", None) or {}
    if (
        not getattr(procedure, "instant_processing", False)
        or rule.get("registry") != "civil_status"
    ):
        return False
    answers = case.answers or {}
    try:
        record = get_civil_status_registry().find_record(
            record_type=rule.get("record", "birth"),
            nin=_answer(answers, "nin") or None,
            last_name=_answer(answers, "last_name", "deceased_last_name"),
            first_name=_answer(answers, "first_name", "deceased_first_name"),
            birth_date=_birth_date(answers),
            commune_ons_code=_answer(answers, "birth_commune", "marriage_commune", "death_commune"),
        )
    except RegistryUnavailable as exc:
        logger.warning("instant processing of case %s: register unavailable (%s)", case.pk, exc)
        _note(case, "Registre national indisponible : traitement par le service.")
        return False
    except RegistryError as exc:
        logger.info("instant processing of case %s: register refused the query (%s)", case.pk, exc)
        _note(
            case, "Le registre national n'a pas pu identifier l'acte : vérification par le service."
        )
        return False
    if record is None:
        _note(case, "Acte introuvable au registre national : vérification par le service.")
        return False
    services.fire(case=case, name="accept_instantly", actor=None)
    with override(case.language if case.language in {"ar", "fr", "en"} else "fr"):
        arabic = case.language == "ar"
        details: dict[str, Any] = {
            _("Record number"): f"{record.record_number}/{record.year}",
            _("Last name"): record.last_name_ar if arabic else record.last_name_fr,
            _("First name"): record.first_name_ar if arabic else record.first_name_fr,
        }
        if record.birth_date:
            details[_("Date of birth")] = record.birth_date.strftime("%d/%m/%Y")
        if record.father:
            details[_("Father")] = (
                f"{record.father.first_name_ar} {record.father.last_name_ar}"
                if arabic
                else f"{record.father.first_name_fr} {record.father.last_name_fr}"
            )
        if record.mother:
            details[_("Mother")] = (
                f"{record.mother.first_name_ar} {record.mother.last_name_ar}"
                if arabic
                else f"{record.mother.first_name_fr} {record.mother.last_name_fr}"
            )
    issue_attestation(case=case, actor=None, record=details)
    return True


def _note(case: Case, body: str) -> None:
    """An internal note on the trail, written by the platform (in the agents' working language)."""
    from django.db import transaction

    from baladiya.cases.trail import append_event

    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        append_event(locked, "note", actor_label="Baladiya", payload={"body": body}, public=False)

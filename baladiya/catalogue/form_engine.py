"""The form engine: a published form version's ``definition`` becomes a Django form, and the
citizen's answers become JSON.

Everything works without JavaScript:

* **conditions** — every question is rendered; a conditional one carries the hint "Answer only
  if «…» is «…»", is required only when its condition holds, and its answer is dropped when the
  condition does not hold;
* **repeated groups** — the form renders ``repeats[key]`` copies of a group (1 by default, at
  most ``max_repeats``). Buttons named ``add_<key>`` and ``remove_<key>`` submit the form to
  get one copy more or less; the view re-renders it (``form.is_layout_change``) instead of
  saving. Entirely empty copies are dropped.

Typical view::

    form = build_form(version, request.POST or None, request.FILES or None)
    if request.method == "POST" and not form.is_layout_change and form.is_valid():
        answers, files = form.cleaned_answers(), form.cleaned_files()
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from baladiya.catalogue.models import (
    DEFAULT_FILE_MAX_MB,
    DEFAULT_MAX_REPEATS,
    MAX_REPEATS_LIMIT,
    UPLOAD_KINDS,
    FieldType,
    FormVersion,
)
from baladiya.catalogue.text import (
    DIGITS_FOLD,
    LocalizedText,
    active_language,
    localized,
    normalise,
)
from baladiya.core.params import whole_number
from baladiya.core.uploads import validate_upload
from baladiya.territory.models import Commune

DEFAULT_MAX_LENGTH = {FieldType.TEXT: 300, FieldType.LONG_TEXT: 5000, FieldType.ADDRESS: 500}
RADIO_MAX_OPTIONS = 6
COMMUNE_DATALIST_ID = "baladiya-communes"
_ONS_IN_TEXT = re.compile(r"(?:^|\()\s*(\d{4})\s*\)?\s*$")


# --- the definition, read ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One item of a frozen ``definition``, with typed accessors."""

    item: Mapping[str, Any]

    @property
    def key(self) -> str:
        return str(self.item["key"])

    @property
    def type(self) -> str:
        return str(self.item["type"])

    @property
    def required(self) -> bool:
        return bool(self.item.get("required"))

    @property
    def group_key(self) -> str:
        return str(self.item.get("group_key") or "")

    @property
    def show_if_key(self) -> str:
        return str(self.item.get("show_if_key") or "")

    @property
    def show_if_value(self) -> str:
        return str(self.item.get("show_if_value") or "")

    @property
    def is_layout(self) -> bool:
        return self.type in {FieldType.SECTION, FieldType.REPEATED_GROUP}

    @property
    def label(self) -> LocalizedText:
        return localized(self.item.get("label") or {})

    @property
    def help(self) -> LocalizedText:
        return localized(self.item.get("help") or {})

    @property
    def max_repeats(self) -> int:
        value = self.item.get("max_repeats") or DEFAULT_MAX_REPEATS
        return max(1, min(int(value), MAX_REPEATS_LIMIT))

    def options(self) -> list[tuple[str, str]]:
        return [
            (
                str(option.get("value", "")),
                str(localized({c: option.get(f"label_{c}", "") for c in ("fr", "ar", "en", "kab")}))
                or str(option.get("value", "")),
            )
            for option in self.item.get("choices") or []
        ]

    def option_label(self, value: str) -> str:
        return dict(self.options()).get(value, value)

    def answer_label(self, value: str) -> str:
        """How a given answer to this question reads (for hints and displays)."""
        if self.type == FieldType.YES_NO:
            return _("Yes") if value == "yes" else _("No") if value == "no" else value
        if self.type in {FieldType.CHOICE, FieldType.MULTIPLE_CHOICE}:
            return self.option_label(value)
        return value


def specs_of(version: FormVersion | list[dict[str, Any]]) -> list[FieldSpec]:
    definition = version if isinstance(version, list) else version.definition
    return [FieldSpec(item) for item in definition or []]


@dataclass
class _Node:
    spec: FieldSpec
    children: list[FieldSpec] = field(default_factory=list)


def _tree(specs: list[FieldSpec]) -> list[_Node]:
    """Top-level items in order; fields of a section or repeated group become its children."""
    containers = {s.key: _Node(s) for s in specs if s.is_layout}
    nodes: list[_Node] = []
    for spec in specs:
        if spec.is_layout:
            nodes.append(containers[spec.key])
        elif spec.group_key in containers:
            containers[spec.group_key].children.append(spec)
        else:
            nodes.append(_Node(spec))
    return nodes


# --- repeated groups from a POST --------------------------------------------------------------


def count_name(group_key: str) -> str:
    return f"{group_key}-count"


def copy_field_name(group_key: str, index: int, key: str) -> str:
    return f"{group_key}-{index}-{key}"


def layout_action(
    data: Mapping[str, Any] | None, groups: Iterable[str] | None = None
) -> tuple[str, str] | None:
    """``("add", key)`` or ``("remove", key)`` when an add_/remove_ button of a repeated group
    was pressed. Only the given ``groups`` count (by default, those whose hidden count the POST
    carries), so a question that happens to be named add_something is not mistaken for one."""
    if not data:
        return None
    known = set(groups) if groups is not None else None
    for name in data:
        for action in ("add", "remove"):
            prefix = f"{action}_"
            if not name.startswith(prefix) or len(name) == len(prefix):
                continue
            key = name[len(prefix) :]
            if (known is not None and key in known) or (known is None and count_name(key) in data):
                return action, key
    return None


def repeats_from_post(
    data: Mapping[str, Any] | None, version: FormVersion | None = None
) -> dict[str, int]:
    """How many copies of each repeated group to render for this POST: the hidden counts the
    form carried (``<group>-count``), plus or minus one for the group whose ``add_<group>`` or
    ``remove_<group>`` button was pressed. With ``version``, counts are also kept within each
    group's ``max_repeats`` (the form clamps them anyway)."""
    data = data or {}
    if version is not None:
        limits = {
            s.key: s.max_repeats for s in specs_of(version) if s.type == FieldType.REPEATED_GROUP
        }
    else:
        limits = {
            name[: -len("-count")]: MAX_REPEATS_LIMIT
            for name in data
            if name.endswith("-count") and re.fullmatch(r"[a-z][a-z0-9_]*-count", name)
        }
    action = layout_action(data, limits)
    repeats: dict[str, int] = {}
    for key, limit in limits.items():
        raw = str(data.get(count_name(key), "1") or "1")
        count = whole_number(raw, 1, maximum=1000) or 1
        if action == ("add", key):
            count += 1
        elif action == ("remove", key):
            count -= 1
        repeats[key] = max(1, min(count, limit))
    return repeats


# --- fields -----------------------------------------------------------------------------------


def normalise_phone(value: str) -> str:
    """An Algerian mobile or landline number in E.164 (``0661 23 45 67`` → ``+213661234567``)."""
    message = _("Enter an Algerian phone number, for example 0661 23 45 67.")
    try:
        number = phonenumbers.parse(value.translate(DIGITS_FOLD), "DZ")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(message, code="phone") from exc
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "DZ"
    ):
        raise ValidationError(message, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """``+213661234567`` → ``0661 23 45 67``."""
    try:
        number = phonenumbers.parse(e164, "DZ")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class PhoneField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return normalise_phone(text) if text else ""


class NinField(forms.CharField):
    """The national identification number (NIN, رقم التعريف الوطني): 18 digits. Its check
    algorithm is not published, so only its form is checked."""

    def to_python(self, value: Any) -> str:
        text = re.sub(r"[\s.-]", "", (super().to_python(value) or "").translate(DIGITS_FOLD))
        if text and not re.fullmatch(r"\d{18}", text):
            raise ValidationError(
                _("The national identification number (NIN) has exactly 18 digits."), code="nin"
            )
        return text


def resolve_commune(text: str) -> Commune:
    """The one commune meant by ``text``: its 4-digit ONS code, "Name (0920)", or its name in
    French, Arabic or English (case, accents and Arabic diacritics ignored)."""
    text = " ".join(text.translate(DIGITS_FOLD).split())
    match = _ONS_IN_TEXT.search(text)
    if match:
        found = list(Commune.objects.filter(ons_code=match.group(1))[:2])
    else:
        found = list(
            Commune.objects.filter(
                Q(name_fr__iexact=text) | Q(name_ar=text) | Q(name_en__iexact=text)
            )[:3]
        )
        if not found:
            # Accents or diacritics typed differently: compare folded names (rare path).
            wanted = normalise(text)
            found = [
                Commune(pk=pk, name_fr=fr, name_ar=ar, name_en=en)
                for pk, fr, ar, en in Commune.objects.values_list(
                    "pk", "name_fr", "name_ar", "name_en"
                )
                if wanted in {normalise(fr), normalise(ar), normalise(en)}
            ][:3]
    if not found:
        raise ValidationError(
            _("No commune has this name or code. Type its name or its 4-digit ONS code."),
            code="commune_unknown",
        )
    if len(found) > 1:
        raise ValidationError(
            _("Several communes have this name: type its 4-digit ONS code."),
            code="commune_ambiguous",
        )
    return found[0]


class CommuneField(forms.CharField):
    """A commune typed as its name or ONS code (a <select> of 1,541 communes is too heavy)."""

    def clean(self, value: Any) -> Commune | None:
        text = super().clean(value)  # length checks on the text typed
        return resolve_commune(text) if text else None


class UploadField(forms.FileField):
    """A file checked by its content (see :mod:`baladiya.core.uploads`)."""

    def __init__(self, *, allowed_kinds: tuple[str, ...], max_bytes: int, **kwargs: Any) -> None:
        self.allowed_kinds = allowed_kinds
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            upload.detected_kind = validate_upload(
                upload, allowed_kinds=self.allowed_kinds, max_bytes=self.max_bytes
            )
        return upload


_ACCEPT = {"pdf": ".pdf,application/pdf", "jpeg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}


def _make_field(spec: FieldSpec, hint: str) -> forms.Field:
    """The Django field of one question. Requiredness is checked in CaseForm.clean, where
    conditions and repeated groups are known; the widget says it for assistive technologies."""
    item, kind = spec.item, spec.type
    help_parts = [str(spec.help), hint]
    attrs: dict[str, Any] = {"aria-required": "true"} if spec.required and not hint else {}
    # ARIA does not allow aria-required on radios and checkboxes: their fieldset's legend says
    # it (optional questions are marked "(optional)").
    group_attrs: dict[str, Any] = {}
    common: dict[str, Any] = {"label": str(spec.label), "required": False}
    form_field: forms.Field
    if kind in {FieldType.TEXT, FieldType.LONG_TEXT, FieldType.ADDRESS}:
        validators = []
        if item.get("regex"):
            message = str(localized(item.get("regex_message") or {})) or _(
                "The answer does not have the expected form."
            )
            validators.append(RegexValidator(rf"\A(?:{item['regex']})\Z", message))
        widget: forms.Widget
        if kind == FieldType.LONG_TEXT:
            widget = forms.Textarea(attrs={**attrs, "rows": 5})
        elif kind == FieldType.ADDRESS:
            widget = forms.Textarea(attrs={**attrs, "rows": 3, "autocomplete": "street-address"})
        else:
            widget = forms.TextInput(attrs=attrs)
        form_field = forms.CharField(
            max_length=item.get("max_length") or DEFAULT_MAX_LENGTH[FieldType(kind)],
            validators=validators,
            widget=widget,
            **common,
        )
    elif kind == FieldType.NUMBER:
        form_field = forms.DecimalField(
            min_value=_decimal(item.get("min_value")),
            max_value=_decimal(item.get("max_value")),
            max_digits=16,
            localize=True,  # accepts 12,5 as well as 12.5
            widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}),
            **common,
        )
    elif kind == FieldType.DATE:
        help_parts.insert(1, _("Day/month/year, for example 25/03/1990."))
        form_field = forms.DateField(
            widget=forms.DateInput(format="%d/%m/%Y", attrs={**attrs, "inputmode": "numeric"}),
            **common,
        )
    elif kind == FieldType.YES_NO:
        form_field = forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            widget=forms.RadioSelect(attrs=group_attrs),
            **common,
        )
    elif kind == FieldType.CHOICE:
        options = spec.options()
        if len(options) <= RADIO_MAX_OPTIONS:
            form_field = forms.ChoiceField(
                choices=options, widget=forms.RadioSelect(attrs=group_attrs), **common
            )
        else:
            form_field = forms.ChoiceField(
                choices=[("", _("— choose —")), *options],
                widget=forms.Select(attrs=attrs),
                **common,
            )
    elif kind == FieldType.MULTIPLE_CHOICE:
        form_field = forms.MultipleChoiceField(
            choices=spec.options(),
            widget=forms.CheckboxSelectMultiple(attrs=group_attrs),
            **common,
        )
    elif kind == FieldType.PHONE:
        form_field = PhoneField(
            max_length=30,
            widget=forms.TextInput(attrs={**attrs, "type": "tel", "autocomplete": "tel"}),
            **common,
        )
    elif kind == FieldType.EMAIL:
        form_field = forms.EmailField(
            max_length=254,
            widget=forms.EmailInput(attrs={**attrs, "autocomplete": "email"}),
            **common,
        )
    elif kind == FieldType.NIN:
        form_field = NinField(
            max_length=30,
            widget=forms.TextInput(attrs={**attrs, "inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    elif kind == FieldType.COMMUNE:
        help_parts.insert(1, _("Type the commune's name or its 4-digit ONS code."))
        form_field = CommuneField(
            max_length=120,
            widget=forms.TextInput(
                attrs={**attrs, "list": COMMUNE_DATALIST_ID, "autocomplete": "off"}
            ),
            **common,
        )
    elif kind == FieldType.FILE:
        kinds = tuple(k for k in (item.get("allowed_kinds") or UPLOAD_KINDS) if k in UPLOAD_KINDS)
        max_mb = int(item.get("max_size_mb") or DEFAULT_FILE_MAX_MB)
        help_parts.insert(
            1,
            _("Accepted: %(kinds)s, up to %(size)s MB.")
            % {"kinds": ", ".join(k.upper() for k in kinds), "size": max_mb},
        )
        form_field = UploadField(
            allowed_kinds=kinds,
            max_bytes=max_mb * 1024 * 1024,
            widget=forms.FileInput(attrs={**attrs, "accept": ",".join(_ACCEPT[k] for k in kinds)}),
            **common,
        )
    else:  # pragma: no cover - the model's choices list every type
        raise ValueError(f"Unknown field type {kind!r}")
    form_field.help_text = " ".join(part for part in help_parts if part)
    return form_field


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


# --- layout, for templates --------------------------------------------------------------------


@dataclass
class FieldItem:
    name: str
    spec: FieldSpec
    form: forms.Form
    kind: str = "field"

    @property
    def bound(self) -> forms.BoundField:
        return self.form[self.name]

    @property
    def optional(self) -> bool:
        return not self.spec.required and not self.spec.show_if_key


@dataclass
class SectionItem:
    spec: FieldSpec
    hint: str
    children: list[FieldItem]
    kind: str = "section"


@dataclass
class GroupItem:
    spec: FieldSpec
    hint: str
    copies: list[list[FieldItem]]
    kind: str = "group"

    @property
    def count(self) -> int:
        return len(self.copies)

    @property
    def count_name(self) -> str:
        return count_name(self.spec.key)

    @property
    def add_name(self) -> str:
        return f"add_{self.spec.key}"

    @property
    def remove_name(self) -> str:
        return f"remove_{self.spec.key}"

    @property
    def can_add(self) -> bool:
        return self.count < self.spec.max_repeats

    @property
    def can_remove(self) -> bool:
        return self.count > 1


# --- the form ---------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _has_data(data: Any) -> bool:
    """Whether the citizen typed, chose or attached anything (raw data, before cleaning)."""
    if data is None:
        return False
    if hasattr(data, "read"):  # an uploaded file
        return True
    if isinstance(data, list | tuple):
        return any(str(v).strip() for v in data)
    return bool(str(data).strip())


def _condition_holds(target: FieldSpec, value: Any, expected: str) -> bool:
    if _is_empty(value):
        return False
    if isinstance(value, list):
        return expected in value
    if isinstance(value, Decimal):
        try:
            return value == Decimal(expected.replace(",", "."))
        except InvalidOperation:
            return False
    if isinstance(value, Commune):
        return expected in {value.ons_code, value.name_fr, value.name_ar}
    if isinstance(value, date):
        parsed = parse_date(expected)
        return parsed == value
    return str(value).strip() == expected


def condition_hint(spec: FieldSpec, by_key: Mapping[str, FieldSpec]) -> str:
    """ "Answer only if «question» is «answer»." for a conditional field, else ''."""
    target = by_key.get(spec.show_if_key)
    if target is None:
        return ""
    return _("Answer only if «%(question)s» is «%(answer)s».") % {
        "question": target.label,
        "answer": target.answer_label(spec.show_if_value),
    }


def _without_files(specs: list[FieldSpec], answers: Mapping[str, Any]) -> dict[str, Any]:
    files = {s.key for s in specs if s.type == FieldType.FILE}
    groups = {s.key for s in specs if s.type == FieldType.REPEATED_GROUP}
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        if key in files:
            continue
        if key in groups and isinstance(value, list):
            value = [{k: v for k, v in copy.items() if k not in files} for copy in value]
        kept[key] = value
    return kept


def _form_value(spec: FieldSpec, value: Any, communes: Mapping[int, Commune]) -> Any:
    """A saved answer (JSON) as the form shows it again."""
    if spec.type == FieldType.YES_NO:
        return "yes" if value is True else "no" if value is False else value
    if spec.type == FieldType.DATE:
        return parse_date(str(value)) or value
    if spec.type == FieldType.PHONE:
        return display_phone(str(value))
    if spec.type == FieldType.COMMUNE and isinstance(value, dict):
        commune = communes.get(value.get("id"))  # type: ignore[arg-type]
        if commune is None:
            return value.get("name_fr", "")
        return f"{commune.name_fr} ({commune.ons_code})" if commune.ons_code else commune.name_fr
    return value


def initial_from_answers(tree: list[_Node], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Form initial values (by field name) from saved answers; one query for communes."""
    pairs: list[tuple[str, FieldSpec, Any]] = []
    for node in tree:
        if node.spec.type == FieldType.REPEATED_GROUP:
            for index, copy in enumerate(answers.get(node.spec.key) or []):
                for child in node.children:
                    if isinstance(copy, dict) and child.key in copy:
                        name = copy_field_name(node.spec.key, index, child.key)
                        pairs.append((name, child, copy[child.key]))
        else:
            for spec in node.children if node.spec.type == FieldType.SECTION else [node.spec]:
                if spec.key in answers:
                    pairs.append((spec.key, spec, answers[spec.key]))
    ids = {v.get("id") for _n, s, v in pairs if s.type == FieldType.COMMUNE and isinstance(v, dict)}
    communes = Commune.objects.in_bulk([i for i in ids if isinstance(i, int)]) if ids else {}
    return {
        name: _form_value(spec, value, communes)
        for name, spec, value in pairs
        if spec.type != FieldType.FILE
    }


class CaseForm(forms.Form):
    """The form of one published form version (see the module docstring)."""

    template_name = "catalogue/form_engine/form.html"
    label_suffix = ""

    def __init__(
        self,
        version: FormVersion,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        repeats: Mapping[str, int] | None = None,
        initial_answers: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.version = version
        self.specs = specs_of(version)
        self.by_key = {s.key: s for s in self.specs}
        self.tree = _tree(self.specs)
        if initial_answers:
            kwargs.setdefault("initial", initial_from_answers(self.tree, initial_answers))
        super().__init__(data, cast(Any, files), **kwargs)
        group_keys = [s.key for s in self.specs if s.type == FieldType.REPEATED_GROUP]
        self.action = layout_action(data, group_keys) if data is not None else None
        if repeats is None:
            if data is not None:
                repeats = repeats_from_post(data, version)
            else:
                repeats = {
                    key: len(value)
                    for key, value in (initial_answers or {}).items()
                    if isinstance(value, list)
                    and key in self.by_key
                    and self.by_key[key].type == FieldType.REPEATED_GROUP
                }
        self.repeats: dict[str, int] = {}
        self._answers: dict[str, Any] | None = None
        self._files: list[tuple[str, UploadedFile]] = []
        self.layout: list[FieldItem | SectionItem | GroupItem] = []

        for node in self.tree:
            spec = node.spec
            hint = condition_hint(spec, self.by_key)
            if spec.type == FieldType.SECTION:
                children = [self._add(child, child.key) for child in node.children]
                self.layout.append(SectionItem(spec, hint, children))
            elif spec.type == FieldType.REPEATED_GROUP:
                count = max(1, min(int(repeats.get(spec.key, 1)), spec.max_repeats))
                self.repeats[spec.key] = count
                copies = [
                    [
                        self._add(child, copy_field_name(spec.key, index, child.key))
                        for child in node.children
                    ]
                    for index in range(count)
                ]
                self.layout.append(GroupItem(spec, hint, copies))
            else:
                self.layout.append(self._add(spec, spec.key))

    def _add(self, spec: FieldSpec, name: str) -> FieldItem:
        self.fields[name] = _make_field(spec, condition_hint(spec, self.by_key))
        return FieldItem(name, spec, self)

    # Re-rendering for "add a copy" / "remove a copy" is not a submission: no errors shown.

    @property
    def is_layout_change(self) -> bool:
        """True when the citizen pressed add_<group> or remove_<group>: re-render, don't save."""
        return self.action is not None

    def full_clean(self) -> None:
        if self.is_bound and self.is_layout_change:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.is_layout_change and super().is_valid()

    # Conditions, requiredness and the answers.

    def _visible(self, spec: FieldSpec, scope: Mapping[str, Any]) -> bool:
        if not spec.show_if_key:
            return True
        target = self.by_key.get(spec.show_if_key)
        return target is not None and _condition_holds(
            target, scope.get(spec.show_if_key), spec.show_if_value
        )

    def _take(
        self,
        item: FieldItem,
        *,
        container_visible: bool,
        scope: MutableMapping[str, Any],
        out: dict[str, Any],
        path: str,
    ) -> None:
        name, spec = item.name, item.spec
        if not (container_visible and self._visible(spec, scope)):
            # Hidden: its answer (and any error on it) does not count.
            self._errors.pop(name, None)
            self.cleaned_data.pop(name, None)
            return
        if name in self._errors:
            return
        value = self.cleaned_data.get(name)
        if _is_empty(value):
            if spec.required:
                self.add_error(name, ValidationError(_("This field is required."), "required"))
            return
        scope[spec.key] = value
        out[spec.key] = self._to_json(spec, value, path)

    def _to_json(self, spec: FieldSpec, value: Any, path: str) -> Any:
        if spec.type == FieldType.YES_NO:
            return value == "yes"
        if spec.type == FieldType.NUMBER:
            return int(value) if value == value.to_integral_value() else float(value)
        if spec.type == FieldType.DATE:
            return value.isoformat()
        if spec.type == FieldType.COMMUNE:
            return {"id": value.pk, "name_fr": value.name_fr, "name_ar": value.name_ar}
        if spec.type == FieldType.FILE:
            self._files.append((path, value))
            return {
                "filename": value.name,
                "kind": getattr(value, "detected_kind", ""),
                "size": value.size,
            }
        return value

    def _copy_is_empty(self, items: list[FieldItem]) -> bool:
        return not any(_has_data(self[item.name].data) for item in items)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers: dict[str, Any] = {}
        top: dict[str, Any] = {}
        self._files = []
        for element in self.layout:
            if isinstance(element, FieldItem):
                self._take(
                    element, container_visible=True, scope=top, out=answers, path=element.name
                )
            elif isinstance(element, SectionItem):
                shown = self._visible(element.spec, top)
                for child in element.children:
                    self._take(
                        child, container_visible=shown, scope=top, out=answers, path=child.name
                    )
            else:
                answers_list = self._clean_group(element, top)
                if answers_list is not None:
                    answers[element.spec.key] = answers_list
        self._answers = answers
        return cleaned

    def _clean_group(self, group: GroupItem, top: dict[str, Any]) -> list[dict[str, Any]] | None:
        shown = self._visible(group.spec, top)
        empties = [self._copy_is_empty(copy) for copy in group.copies]
        # An optional group may stay empty; a required one needs its first copy filled in.
        must_fill_first = shown and group.spec.required and all(empties)
        copies: list[dict[str, Any]] = []
        for index, copy in enumerate(group.copies):
            skip = not shown or (empties[index] and not (must_fill_first and index == 0))
            out: dict[str, Any] = {}
            scope: ChainMap[str, Any] = ChainMap({}, top)
            for item in copy:
                path = f"{group.spec.key}.{len(copies)}.{item.spec.key}"
                self._take(item, container_visible=not skip, scope=scope, out=out, path=path)
            if not skip:
                copies.append(out)
        return copies if shown else None

    def draft_answers(self) -> dict[str, Any]:
        """The answers given so far, for saving a draft (brouillon): every visible answer that
        passes its own checks, in the format of :meth:`cleaned_answers`; missing, invalid and
        file answers are left out. Works on an incomplete form."""
        if not self.is_bound:
            return {}
        if self._answers is None:
            action, self.action = self.action, None
            try:
                super().full_clean()
            finally:
                self.action = action
        return _without_files(self.specs, self._answers or {})

    def cleaned_answers(self) -> dict[str, Any]:
        """The answers as JSON-ready data: dates ISO, phones E.164, yes/no booleans, numbers,
        communes as {"id", "name_fr", "name_ar"}, files as {"filename", "kind", "size"},
        repeated groups as lists of dicts. Hidden (conditional) questions are left out."""
        if not self.is_valid() or self._answers is None:
            raise ValueError("cleaned_answers() needs a valid form.")
        return self._answers

    def cleaned_files(self) -> list[tuple[str, UploadedFile]]:
        """``(path, file)`` for every file answered: the path is the answer's place, ``key`` or
        ``group.index.key``."""
        if not self.is_valid():
            raise ValueError("cleaned_files() needs a valid form.")
        return list(self._files)

    # Rendering.

    @property
    def has_commune_field(self) -> bool:
        return any(s.type == FieldType.COMMUNE for s in self.specs)

    def commune_suggestions(self) -> list[tuple[str, str]]:
        """``(value, label)`` of the pilot communes, for the <datalist> of commune questions."""
        from baladiya.territory.selectors import pilot_communes

        lang = active_language()
        return [
            (f"{c.name_fr} ({c.ons_code})", c.name_ar if lang == "ar" else c.name_fr)
            for c in pilot_communes()
        ]

    def get_context(self) -> dict[str, Any]:
        context = super().get_context()
        context["layout"] = self.layout
        context["commune_datalist_id"] = COMMUNE_DATALIST_ID
        context["commune_suggestions"] = (
            self.commune_suggestions() if self.has_commune_field else []
        )
        return context


def build_form(
    version: FormVersion,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
    *,
    repeats: dict[str, int] | None = None,
    initial: Mapping[str, Any] | None = None,
) -> CaseForm:
    """The Django form of a form version.

    With POST ``data`` and no ``repeats``, the number of copies of each repeated group is read
    from the POST (see :func:`repeats_from_post`). ``initial`` takes answers saved earlier (the
    JSON of :meth:`CaseForm.cleaned_answers` or :meth:`CaseForm.draft_answers`) to resume a
    draft; files cannot be pre-filled and must be attached again.
    """
    return CaseForm(version, data, files, repeats=repeats, initial_answers=initial)


# --- showing answers --------------------------------------------------------------------------


def _display_value(spec: FieldSpec, value: Any) -> str:
    if spec.type == FieldType.YES_NO:
        return _("Yes") if value else _("No")
    if spec.type == FieldType.CHOICE:
        return spec.option_label(str(value))
    if spec.type == FieldType.MULTIPLE_CHOICE:
        return ", ".join(spec.option_label(str(v)) for v in value or [])
    if spec.type == FieldType.DATE:
        parsed = parse_date(str(value))
        return formats.date_format(parsed, "SHORT_DATE_FORMAT") if parsed else str(value)
    if spec.type == FieldType.NUMBER:
        return str(formats.localize(Decimal(str(value))))
    if spec.type == FieldType.PHONE:
        return display_phone(str(value))
    if spec.type == FieldType.COMMUNE and isinstance(value, dict):
        return str(
            value.get("name_ar") if active_language() == "ar" else value.get("name_fr")
        ) or str(value.get("name_fr", ""))
    if spec.type == FieldType.FILE and isinstance(value, dict):
        return str(value.get("filename", ""))
    return str(value)


def answers_for_display(
    version: FormVersion | list[dict[str, Any]], answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The answers as ``{"label", "value", "kind"}`` rows in the active language, in the form's
    order. ``kind`` is "answer", or "section"/"group" for headings (value ""). Questions left
    unanswered are skipped."""
    rows: list[dict[str, Any]] = []

    def answer(spec: FieldSpec, source: Mapping[str, Any]) -> None:
        value = source.get(spec.key)
        if value is None or value == "" or value == []:
            return
        rows.append(
            {"label": str(spec.label), "value": _display_value(spec, value), "kind": "answer"}
        )

    for node in _tree(specs_of(version)):
        spec = node.spec
        if spec.type == FieldType.SECTION:
            section_rows = len(rows)
            for child in node.children:
                answer(child, answers)
            if len(rows) > section_rows:
                rows.insert(
                    section_rows, {"label": str(spec.label), "value": "", "kind": "section"}
                )
        elif spec.type == FieldType.REPEATED_GROUP:
            for index, copy in enumerate(answers.get(spec.key) or []):
                rows.append({"label": f"{spec.label} {index + 1}", "value": "", "kind": "group"})
                for child in node.children:
                    answer(child, copy)
        else:
            answer(spec, answers)
    return rows

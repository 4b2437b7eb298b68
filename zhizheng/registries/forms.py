"""Forms of the registrars' and auditors' pages. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhizheng.registries.choices import AccessOutcome, HouseholdRelation, LegalPersonType, Purpose, Sex


def _id_number(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=18, min_length=18, required=required)


def district_choices() -> list[tuple[str, str]]:
    local = dict(getattr(settings, "ZHIZHENG_LOCAL_DIVISION_CODES", {}) or {})
    return [(code, f"{name}（{code}）") for code, name in sorted(local.items()) if not code.endswith("00")]


class _Styled(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class _Form(_Styled):
    template_name = "registries/partials/form_fields.html"


class BirthForm(_Form):
    name = forms.CharField(label=_("Child's full name"), max_length=64)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_on = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    parent_id_number = _id_number(_("ID number of a parent"))
    ethnicity = forms.CharField(
        label=_("Ethnicity"), max_length=16, required=False, help_text=_("Leave empty to take the parent's.")
    )


class MarriageForm(_Form):
    first_id_number = _id_number(_("ID number of the first party"))
    second_id_number = _id_number(_("ID number of the second party"))


class DeathForm(_Form):
    id_number = _id_number(_("ID number of the deceased"))
    died_on = forms.DateField(label=_("Date of death"), widget=forms.DateInput(attrs={"type": "date"}))


class MoveForm(_Form):
    id_number = _id_number(_("ID number of the resident"))
    district_code = forms.ChoiceField(label=_("District of the new registration"), choices=district_choices)
    address = forms.CharField(label=_("New household registration address"), max_length=200)
    household_number = forms.CharField(
        label=_("Join household number"),
        max_length=12,
        required=False,
        help_text=_("Leave empty to establish a new household headed by the resident."),
    )
    relation_to_head = forms.ChoiceField(
        label=_("Relation to the head of that household"),
        choices=[("", "—"), *[c for c in HouseholdRelation.choices if c[0] != HouseholdRelation.HEAD]],
        required=False,
    )


def _fen(yuan: Decimal | None) -> int | None:
    return None if yuan is None else int(yuan * 100)


class EstablishForm(_Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    type = forms.ChoiceField(label=_("Type"), choices=LegalPersonType.choices)
    representative_id_number = _id_number(_("ID number of the legal representative"))
    registered_capital_yuan = forms.DecimalField(
        label=_("Registered capital (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )
    business_scope = forms.CharField(
        label=_("Business scope"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    district_code = forms.ChoiceField(label=_("District"), choices=district_choices)
    address = forms.CharField(label=_("Address"), max_length=200)

    def registered_capital_fen(self) -> int:
        return _fen(self.cleaned_data["registered_capital_yuan"]) or 0


class ChangeForm(_Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18)
    name = forms.CharField(label=_("New name"), max_length=128, required=False)
    representative_id_number = _id_number(_("ID number of the new legal representative"), required=False)
    registered_capital_yuan = forms.DecimalField(
        label=_("New registered capital (yuan)"), min_value=0, max_digits=16, decimal_places=2, required=False
    )
    business_scope = forms.CharField(
        label=_("New business scope"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=_("New address"), max_length=200, required=False)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "name": data["name"] or None,
            "representative_id_number": data["representative_id_number"] or None,
            "registered_capital_fen": _fen(data["registered_capital_yuan"]),
            "business_scope": data["business_scope"] or None,
            "address": data["address"] or None,
        }
        return {key: value for key, value in values.items() if value is not None}


class CancelForm(_Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18)
    reason = forms.CharField(label=_("Reason for deregistration"), max_length=200)


class AccessFilterForm(_Styled):
    actor = forms.CharField(label=_("Actor"), max_length=64, required=False, help_text=_("e.g. user:42"))
    record = forms.CharField(
        label=_("Record"), max_length=18, required=False, help_text=_("ID number or record number")
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", _("Any")), *Purpose.choices], required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Any")), *AccessOutcome.choices], required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class LookupForm(_Styled):
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=18, min_length=18)
    purpose = forms.ChoiceField(
        label=_("Purpose of this read"),
        choices=[("", "—"), *Purpose.choices],
        required=False,
        help_text=_("Every read is logged with its purpose; reads without one are refused."),
    )

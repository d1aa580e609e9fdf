"""Forms of accounts, self-registration and claims (they validate, never save)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.mail import run_after_response
from registry.models import (
    Commune,
    EnvironmentalPractice,
    Initiative,
    Intermediaries,
    SocialAccessScheme,
)
from registry.search import match_communes

User = get_user_model()


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("You will log in with it; we send a link to check it."),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Honeypot: hidden from people by CSS and from assistive technology by aria-hidden;
    # robots that fill every field give themselves away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            probe = User(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with the e-mail address, whatever its case (accounts are stored lower-case)."""

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        return username.lower() if "@" in username else username


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for its password, so that a session left open is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Too many wrong passwords lately: refuse without checking, so guesses learn nothing.
        self.locked = locked

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.locked:
            raise forms.ValidationError(
                _("Too many attempts. Please try again in an hour."), code="locked"
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password


# Initiative steps -----------------------------------------------------------------------------


class CommuneField(forms.CharField):
    """A commune typed as text: "Name — INSEE code" (picked from the suggestions), an INSEE
    code, or a name (resolved with the postal code when several communes share it)."""

    widget = forms.TextInput

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return f"{value.name} — {value.insee_code}"
        if isinstance(value, str) and re.fullmatch(r"\d{5}", value):
            commune = Commune.objects.filter(insee_code=value).first()
            if commune:
                return f"{commune.name} — {commune.insee_code}"
        return value


class VersionedForm(forms.ModelForm):
    """A step of the initiative form, carrying the version it was loaded from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class IdentityForm(VersionedForm):
    title = _("Identity")

    class Meta:
        model = Initiative
        fields = [
            "name",
            "type",
            "summary",
            "description",
            "legal_form",
            "siret",
            "rna",
            "founded_on",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())


class LocationForm(VersionedForm):
    title = _("Location and contact")
    commune = CommuneField(
        label=_("Commune"),
        help_text=_("Start typing the name and pick it from the list, or type its INSEE code."),
    )

    class Meta:
        model = Initiative
        fields = [
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "website",
            "email",
            "phone",
            "opening_hours",
        ]
        widgets = {
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5}
            ),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            # Typed by hand without JavaScript (or without a mouse); the map fills them.
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }
        help_texts = {
            "latitude": _("In decimal degrees, for example 43.6045."),
            "longitude": _(
                "In decimal degrees, for example 1.4442. Leave both empty to use the commune’s point."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.attrs.update(
            {
                "autocomplete": "off",
                "data-commune-search": reverse_lazy("accounts:commune-search"),
                "data-postal-code-input": "id_postal_code",
            }
        )

    def commune_point(self) -> tuple[float, float] | None:
        """(latitude, longitude) of the commune typed or saved: where the location map opens,
        and where the initiative stands until its owner places it."""
        commune = (getattr(self, "cleaned_data", None) or {}).get("commune")
        if not isinstance(commune, Commune):
            commune = self.instance.commune if self.instance.commune_id else None
        if commune is None or commune.latitude is None or commune.longitude is None:
            return None
        return commune.latitude, commune.longitude

    def clean_commune(self):
        # A suggestion ("Castelnau-le-Lez — 34057"), an INSEE code, or a name typed with or
        # without accents and hyphens ("castelnau le lez"), narrowed by the postal code.
        value = self.cleaned_data["commune"].strip()
        matches = match_communes(value, postal_code=self.cleaned_data.get("postal_code") or "")
        if len(matches) == 1:
            return Commune.objects.defer("outline").get(insee_code=matches[0].insee_code)
        name = re.sub(r"\s*[—(-]\s*\d{5}\s*\)?\s*$", "", value)
        if not matches:
            raise forms.ValidationError(
                _(
                    "No commune of Occitanie is called “%(name)s”. Check the spelling or pick one from the list."
                ),
                params={"name": name},
                code="unknown_commune",
            )
        raise forms.ValidationError(
            _(
                "Several communes are called “%(name)s”: %(choices)s. Type the postal code, then pick one."
            ),
            params={
                "name": name,
                "choices": ", ".join(f"{c.name} — {c.insee_code}" for c in matches[:8])
                + ("…" if len(matches) > 8 else ""),
            },
            code="ambiguous_commune",
        )


class SourcingForm(VersionedForm):
    title = _("Products and sourcing")

    class Meta:
        model = Initiative
        fields = [
            "products",
            "partner_producers",
            "regional_purchase_share",
            "short_circuit_share",
            "intermediaries",
            "max_sourcing_distance_km",
            "organic_share",
            "quality_share",
            "producer_price_share",
            "staff_fte",
            "weekly_opening_hours",
            "step_free_access",
        ]
        widgets = {
            "products": forms.CheckboxSelectMultiple,
            "step_free_access": forms.NullBooleanSelect,
        }


class CodesField(forms.MultipleChoiceField):
    """Codes ticked among `choices`, kept as a list: nothing ticked is an answer ("none")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return [str(v) for v in super().to_python(value) if v not in ("", None)]


class PracticesForm(VersionedForm):
    """What the organisation does and declares beyond its sourcing: each answer pre-fills a
    criterion of the eligibility framework, so that agents do not have to ask it again."""

    title = _("Practices and situation")
    environmental_practices = CodesField(
        label=_("Environmental practices in place"),
        choices=EnvironmentalPractice.choices,
        help_text=_("Tick every practice in place; leave them all unticked if none applies."),
    )
    social_access_schemes = CodesField(
        label=_("Access for people on low incomes"),
        choices=SocialAccessScheme.choices,
        help_text=_("Tick every scheme in place; leave them all unticked if none applies."),
    )

    class Meta:
        model = Initiative
        fields = [
            "food_retail_main_activity",
            "environmental_practices",
            "social_access_schemes",
            "outreach_events_per_year",
            "work_integration_jobs",
            "food_policy_partnership",
            "governance",
            "financial_situation",
            "compliance_declared",
        ]
        labels = {
            "food_retail_main_activity": _(
                "Is selling food to final consumers your main activity?"
            ),
            "outreach_events_per_year": _("Outreach events per year"),
            "work_integration_jobs": _("Do you offer work-integration jobs (insertion)?"),
            "food_policy_partnership": _("Link with local food policies"),
            "governance": _("Governance"),
            "financial_situation": _("Financial situation"),
            "compliance_declared": _("Compliance, declared on honour"),
        }
        help_texts = {
            "food_policy_partnership": _(
                "A recognised action of a territorial food project (PAT), or an agreement with "
                "a local authority (commune, intercommunality, département)."
            ),
            "governance": _(
                "Who takes the decisions. A multi-stakeholder association brings together "
                "several kinds of members (producers, consumers, employees, local authorities)."
            ),
            "financial_situation": _(
                "The result of your last financial year, or a three-year business plan "
                "validated by a bank or a support network."
            ),
            "compliance_declared": _(
                "Your hygiene declaration or approval is done, your tax and social dues are "
                "paid and the organisation is not in liquidation. An agent may ask for proof."
            ),
        }
        widgets = {
            "food_retail_main_activity": forms.NullBooleanSelect,
            "work_integration_jobs": forms.NullBooleanSelect,
            "compliance_declared": forms.NullBooleanSelect,
        }


class LabelsForm(VersionedForm):
    title = _("Labels")

    class Meta:
        model = Initiative
        fields = ["labels"]
        widgets = {"labels": forms.CheckboxSelectMultiple}


class NeedsForm(VersionedForm):
    title = _("Needs and obstacles")

    class Meta:
        model = Initiative
        fields = ["needs"]
        widgets = {"needs": forms.CheckboxSelectMultiple}


# Step slug (in URLs) → form. Order is the order of the steps.
STEPS = {
    "identite": IdentityForm,
    "lieu": LocationForm,
    "approvisionnement": SourcingForm,
    "pratiques": PracticesForm,
    "labels": LabelsForm,
    "besoins": NeedsForm,
}

# Self-check → registration ----------------------------------------------------------------------

# The framework's criteria name the registry fact that pre-fills them (Criterion.prefill_source,
# whose values are the names of Initiative fields for plain facts). Read the other way, a
# self-check answer gives the initial value of that field in the registration steps. Facts that
# are not a field of a step (in Occitanie, legal id, governance from the legal form, territory
# from the commune's population) cannot be read back and are left out.
#
# Choice answers that spell a registry choice differently: the assessment's pre-filler writes
# Intermediaries as "none" / "one" / "mixed" (tests check both directions agree).
SELF_CHECK_CHOICE_ANSWERS = {
    "intermediaries": {
        "none": Intermediaries.NONE,
        "one": Intermediaries.ONE,
        "mixed": Intermediaries.MORE,
    },
}


def _step_fields() -> dict[str, forms.Field]:
    """Every field of the initiative steps, by name."""
    return {
        name: field
        for form_class in STEPS.values()
        for name, field in form_class.base_fields.items()
        if name != "version"
    }


def _self_check_value(name: str, field: forms.Field, answer):
    """The initial value of `field` given by a self-check answer; ValueError when it does not
    fit (wrong type, unknown choice, out of range)."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        # Reference items (labels…) are keyed by their code; unknown codes match no checkbox.
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list | tuple) or not all(isinstance(a, str) for a in answer):
            raise ValueError(name)
        return sorted({a.strip() for a in answer if a.strip()}) or None
    if isinstance(field, forms.MultipleChoiceField):
        # Codes among the field's choices; an empty list is an answer ("none of these").
        known = {str(value) for value, _label in field.choices}
        if not isinstance(answer, list | tuple) or not all(
            isinstance(a, str) and a in known for a in answer
        ):
            raise ValueError(name)
        return sorted(set(answer))
    if isinstance(field, forms.NullBooleanField | forms.BooleanField):
        if not isinstance(answer, bool):
            raise ValueError(name)
        return answer
    if isinstance(answer, bool) or not isinstance(answer, str | int | float | Decimal):
        raise ValueError(name)
    if isinstance(field, forms.TypedChoiceField):
        aliases = SELF_CHECK_CHOICE_ANSWERS.get(name, {})
        value = aliases.get(answer, answer) if isinstance(answer, str) else answer
        try:
            return field.clean(str(int(value)) if isinstance(value, int) else value)
        except forms.ValidationError:
            raise ValueError(name) from None
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        try:
            number = Decimal(str(answer).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(name) from None
        if not number.is_finite():
            raise ValueError(name)
        # Round to what the field stores (whole percentages, FTE to one decimal).
        if isinstance(field, forms.DecimalField):
            places = field.decimal_places
        elif isinstance(field, forms.FloatField):
            places = None
        else:
            places = 0
        try:
            if places is not None:
                number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            value = field.clean(str(number))
        except (InvalidOperation, forms.ValidationError):
            raise ValueError(name) from None
        if value is None:
            raise ValueError(name)
        return value
    raise ValueError(name)  # a kind of field answers cannot fill


def _self_check_fact(name: str, field: forms.Field, answer):
    """`_self_check_value`, then the model field's own validators (ranges of percentages,
    hours…), which a model form only runs when it saves."""
    value = _self_check_value(name, field, answer)
    if value is not None and not isinstance(field, forms.ModelMultipleChoiceField):
        try:
            Initiative._meta.get_field(name).run_validators(value)
        except forms.ValidationError:
            raise ValueError(name) from None
    return value


def self_check_initial(answers, facts) -> dict:
    """Initial values of registration fields taken from self-check answers.

    `answers` is {criterion code: answer} as the self-check keeps it in the session; `facts` is
    {criterion code: registry fact} of the framework those answers were given under (its
    criteria's pre-fill sources). Answers that do not fit the field are ignored; when several
    criteria fill the same field, the first one (in `facts` order) wins.
    """
    initial = {}
    if not isinstance(answers, dict) or not isinstance(facts, dict):
        return initial
    fields = _step_fields()
    for code, fact in facts.items():
        field = fields.get(fact)
        if field is None or fact in initial or answers.get(code) is None:
            continue
        try:
            value = _self_check_fact(fact, field, answers[code])
        except ValueError:
            continue
        if value is not None:
            initial[fact] = value
    return initial


# Claims and moderation ------------------------------------------------------------------------


class ClaimForm(forms.Form):
    siret = forms.CharField(
        label=_("SIRET of the initiative"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("14 digits, as registered with INSEE."),
    )
    message = forms.CharField(
        label=_("Your role in the initiative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: helps the agents check the claim."),
    )


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, except that the e-mail leaves after the response: a known address must
    not answer more slowly than an unknown one."""

    _after_response = False

    def save(self, *args, request=None, **kwargs):
        self._after_response = request is not None
        return super().save(*args, request=request, **kwargs)

    def send_mail(self, *args, **kwargs):
        send = partial(super().send_mail, *args, **kwargs)  # logs its own sending errors
        if self._after_response:
            run_after_response(send)
        else:
            send()

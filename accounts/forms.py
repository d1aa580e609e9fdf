"""Forms of accounts and claims (they validate, never save). The steps of an initiative's
registration are in accounts.step_forms."""

from functools import partial

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.mail import run_after_response

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

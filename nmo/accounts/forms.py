from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from nmo.accounts.login_throttle import admit_login
from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.rules import normalise_email, snils_error
from nmo.core.exceptions import RateLimited
from nmo.core.forms import AccessibleForm
from nmo.core.request_context import current_client_ip
from nmo.core.services import send_email_after_commit


class RegistrationForm(AccessibleForm):
    last_name = forms.CharField(
        label="Фамилия",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label="Имя", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    middle_name = forms.CharField(
        label="Отчество",
        max_length=150,
        required=False,
        help_text="Если есть.",
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    email = forms.EmailField(
        label="Электронная почта",
        max_length=254,
        help_text="На этот адрес придут уведомления о начислении баллов.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    snils = forms.CharField(
        label="СНИЛС",
        max_length=20,
        help_text="11 цифр, например 112-233-445 95.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Пароль",
        max_length=256,
        help_text="Не менее 10 символов; не только цифры и не распространённый пароль.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    personal_data_consent = forms.BooleanField(
        label=(
            "Я даю согласие на обработку моих персональных данных (ФИО, СНИЛС, адрес "
            "электронной почты, сведения об обучении) в соответствии с Федеральным законом "
            "№ 152-ФЗ «О персональных данных»."
        ),
        required=True,
        error_messages={
            "required": "Без согласия на обработку персональных данных регистрация невозможна."
        },
    )

    def clean_snils(self) -> str:
        value: str = self.cleaned_data["snils"]
        problem = snils_error(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class LoginForm(AuthenticationForm):
    """The login form, throttled against password guessing per account at an address,
    per account and per address (`login_throttle`, ADR 0014)."""

    username = forms.EmailField(
        label="Электронная почта",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Неверный адрес электронной почты или пароль.",
        "inactive": "Учётная запись отключена.",
    }

    def clean(self) -> dict[str, Any]:
        email = normalise_email(self.data.get("username") or "")
        try:
            attempt = admit_login(email=email, ip=current_client_ip())
        except RateLimited as exc:
            raise forms.ValidationError(exc.message, code="throttled") from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            attempt.failed()
            raise
        if self.user_cache is not None:  # an empty field checks no password: no success
            attempt.succeeded()
        return cleaned


class ResetForm(PasswordResetForm):
    """Password reset whose letter is sent after commit through the tasks framework."""

    email = forms.EmailField(
        label="Электронная почта",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_after_commit(to=[to_email], subject=subject, body=body)

    def get_users(self, email: str) -> Any:
        return User.objects.filter(email__iexact=email.strip(), is_active=True)


class TokenCreateForm(AccessibleForm):
    name = forms.CharField(
        label="Название токена",
        max_length=100,
        required=False,
        help_text="Например, «Платформа модулей».",
    )


class UserSearchForm(AccessibleForm):
    text = forms.CharField(label="Фамилия, e-mail или СНИЛС", required=False, max_length=200)


class StaffUserForm(AccessibleForm):
    """An administrator creates a staff account with its first role."""

    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя", max_length=150)
    middle_name = forms.CharField(label="Отчество", max_length=150, required=False)
    email = forms.EmailField(label="Электронная почта", max_length=254)
    password = forms.CharField(
        label="Временный пароль",
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Сообщите его сотруднику; сменить пароль можно через «Забыли пароль?».",
    )
    role = forms.ChoiceField(label="Роль", choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label="Организация",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text="Обязательна для провайдера, эксперта и сотрудника организации.",
    )

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        value: str = self.cleaned_data["password"]
        validate_password(value)
        return value


class GrantRoleForm(AccessibleForm):
    role = forms.ChoiceField(label="Роль", choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label="Организация",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )

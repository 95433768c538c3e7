from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from nmo.accounts.exceptions import InvalidCredentials
from nmo.accounts.models import Organisation, OrganisationKind, Role, Sex, UnitKind
from nmo.accounts.rules import normalise_email, snils_error
from nmo.accounts.services import sign_in
from nmo.accounts.types import LoginDoor
from nmo.core.exceptions import RateLimited
from nmo.core.forms import AccessibleForm, DateField
from nmo.core.request_context import current_client_ip


class EmailAddressField(forms.EmailField):
    """An e-mail address normalised (NFKC, case folded) before it is validated, so an
    address typed in full-width letters or with a long s is the same address (ADR 0022)."""

    def to_python(self, value: Any) -> str:
        return normalise_email(super().to_python(value))


class PersonNameForm(AccessibleForm):
    """A person's surname, name and patronymic, as every form that makes an account asks."""

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


SEX_CHOICES = [("", "не указан"), *Sex.choices]


def sex_field(help_text: str = "Нужен, чтобы документы склоняли имя и глаголы верно.") -> Any:
    return forms.ChoiceField(label="Пол", choices=SEX_CHOICES, required=False, help_text=help_text)


def birth_date_field() -> Any:
    return DateField(label="Дата рождения", required=False, help_text="ДД.ММ.ГГГГ.")


class PersonDetailsForm(AccessibleForm):
    """Sex and date of birth, editable on the profile page; an inferred sex is shown as
    the default to confirm or change (ADR 0028)."""

    sex = sex_field()
    birth_date = birth_date_field()


class RegistrationForm(PersonNameForm):
    email = EmailAddressField(
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
    sex = sex_field("Если не указать, определим по отчеству; изменить можно в личных сведениях.")
    birth_date = birth_date_field()
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
    per account and per address, and audited (`services.sign_in`, ADR 0014, ADR 0021)."""

    door = LoginDoor.FORM

    username = EmailAddressField(
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
        email = self.data.get("username") or ""
        password = self.cleaned_data.get("password")
        if not email or not password:  # an empty field checks no password: nothing counts
            return self.cleaned_data
        try:
            self.user_cache = sign_in(
                email=str(email),
                password=password,
                ip=current_client_ip(),
                door=self.door,
                request=self.request,
            )
        except RateLimited as exc:
            raise forms.ValidationError(exc.message, code="throttled") from exc
        except InvalidCredentials as exc:
            raise self.get_invalid_login_error() from exc
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminLoginForm(LoginForm):
    """Django admin's login: the app's throttled and audited check, for administrators
    only (ADR 0021)."""

    door = LoginDoor.ADMIN

    error_messages = {
        "invalid_login": (
            "Неверный адрес электронной почты или пароль, или учётная запись не администратора."
        ),
        "inactive": "Учётная запись отключена.",
    }


class ResetForm(AccessibleForm):
    """The address to send a password-reset link to. The view only counts the request and
    queues the letter's task; the account is looked up by the task (ADR 0022)."""

    email = EmailAddressField(
        label="Электронная почта",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """The new password from the reset link: set by the service, which revokes the
    account's API tokens and audits the reset (ADR 0022)."""

    def save(self, commit: bool = True) -> Any:
        from nmo.accounts.services import complete_password_reset

        return complete_password_reset(user=self.user, password=self.cleaned_data["new_password1"])


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
    email = EmailAddressField(label="Электронная почта", max_length=254)
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
        help_text="Обязательна для всех ролей, кроме специалиста и администратора.",
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


# --- an organisation sets itself up (ADR 0015) --------------------------------------------


def role_choices(kind: str) -> list[tuple[str, str]]:
    from nmo.accounts.rules import roles_assignable_in

    return [(code, Role(code).label) for code in roles_assignable_in(kind)]


class UnitForm(AccessibleForm):
    name = forms.CharField(label="Наименование подразделения", max_length=300)
    kind = forms.ChoiceField(
        label="Вид подразделения",
        choices=UnitKind.choices,
        initial=UnitKind.DEPARTMENT,
    )


class UnitRenameForm(forms.Form):
    name = forms.CharField(label="Новое наименование", max_length=300)


class InvitationForm(AccessibleForm):
    email = EmailAddressField(
        label="Электронная почта",
        max_length=254,
        help_text="На этот адрес придёт письмо со ссылкой; она действует 7 дней.",
    )
    role = forms.ChoiceField(label="Роль в организации")
    last_name = forms.CharField(label="Фамилия", max_length=150, required=False)
    first_name = forms.CharField(label="Имя", max_length=150, required=False)
    middle_name = forms.CharField(label="Отчество", max_length=150, required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = role_choices(kind)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = choices
        if choices:
            role_field.initial = choices[0][0]


class AssignRoleForm(forms.Form):
    role = forms.ChoiceField(label="Роль")

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = role_choices(kind)


class AcceptInvitationForm(PersonNameForm):
    """A new account's name and password; Django's password validators run in the service."""

    password = forms.CharField(
        label="Пароль",
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Не короче 10 символов; не только цифры и не похожий на имя или адрес.",
    )
    password_again = forms.CharField(
        label="Пароль ещё раз",
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password")
            and data.get("password_again") is not None
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", "Пароли не совпадают.")
        return data


class OrganisationSetUpForm(AccessibleForm):
    """The platform administrator creates an organisation and invites its administrator."""

    name = forms.CharField(label="Полное наименование организации", max_length=500)
    short_name = forms.CharField(label="Краткое наименование", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Вид организации",
        choices=OrganisationKind.choices,
        initial=OrganisationKind.EDUCATIONAL,
    )
    admin_email = EmailAddressField(
        label="Электронная почта администратора организации",
        max_length=254,
        help_text="Ему придёт приглашение: он задаст пароль и настроит организацию сам.",
    )
    last_name = forms.CharField(label="Фамилия администратора", max_length=150, required=False)
    first_name = forms.CharField(label="Имя администратора", max_length=150, required=False)
    middle_name = forms.CharField(label="Отчество администратора", max_length=150, required=False)


class OrganisationAdminInviteForm(AccessibleForm):
    """The platform administrator invites an administrator for an existing organisation."""

    organisation = forms.ModelChoiceField(
        label="Организация", queryset=Organisation.objects.filter(is_active=True)
    )
    email = EmailAddressField(label="Электронная почта администратора", max_length=254)

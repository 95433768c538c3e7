import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.http import require_POST

from nmo.accounts.access import SignedInRequest, require_login, signed_in
from nmo.accounts.models import User
from nmo.core.exceptions import NotAuthenticated

pytestmark = pytest.mark.django_db


@require_POST
@signed_in
def _whoami(request: SignedInRequest, suffix: str) -> HttpResponse:
    return HttpResponse(f"{request.user.email}{suffix}")


@pytest.fixture
def user():
    return User.objects.create_user("signed@example.ru", "x", last_name="В", first_name="Ю")


def test_a_signed_in_user_reaches_the_view(user):
    """The view runs with the request's user and its own arguments."""
    request = RequestFactory().post("/")
    request.user = user
    assert _whoami(request, "!").content == b"signed@example.ru!"


def test_an_anonymous_visitor_is_refused_before_the_view():
    """An anonymous visitor gets NotAuthenticated (the middleware's login redirect)."""
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    with pytest.raises(NotAuthenticated):
        _whoami(request, "!")


def test_the_method_is_checked_first():
    """Under the method decorator, a wrong method is 405 whoever asks."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert _whoami(request, "!").status_code == 405


def test_require_login_returns_the_user(user):
    """The guard hands back the signed-in user and refuses an anonymous one."""
    assert require_login(user) is user
    with pytest.raises(NotAuthenticated):
        require_login(AnonymousUser())

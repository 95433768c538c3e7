import pytest

from nmo.accounts.models import Organisation, User
from nmo.core.models import AuditEntry
from nmo.demo.data import DEMO_ACCOUNTS, NPC, ROSTGMU, load_demo
from nmo.regulations.selectors import current_version
from nmo.regulations.types import PresetCode

pytestmark = pytest.mark.django_db


def test_demo_data_gives_every_role_an_account_and_each_organisation_its_regulation():
    """`make run` loads one account per role (all able to sign in with the demo password)
    and puts НПЦ and РостГМУ each under its own seed regulation; a second run adds nothing."""
    load_demo()
    for account in DEMO_ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(account.password)
    assert current_version(Organisation.objects.get(name=NPC)).regulation.preset_code == (
        PresetCode.NPC_DZM
    )
    assert current_version(Organisation.objects.get(name=ROSTGMU)).regulation.preset_code == (
        PresetCode.ROSTGMU
    )
    created = AuditEntry.objects.filter(action="organisation.create").count()
    assert created == 4
    counts = (User.objects.count(), Organisation.objects.count())

    load_demo()

    assert (User.objects.count(), Organisation.objects.count()) == counts
    assert AuditEntry.objects.filter(action="organisation.create").count() == created

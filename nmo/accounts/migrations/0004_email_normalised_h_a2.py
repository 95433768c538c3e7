"""E-mail addresses normalised as `rules.normalise_email` does (NFKC, case folded,
stripped) before their uniqueness counts, and a unique index on the lower-cased address
(ADR 0022).

An account whose address normalises to one another account already has (say
«ſpecialist@nmo.local» beside «specialist@nmo.local») cannot be merged by a migration:
it keeps its address as it was, is deactivated (no one could sign in to it any more: the
address typed is normalised to the other account's) and is listed on the console for an
administrator. A pending invitation that becomes a twin of another is cancelled."""

import unicodedata

from django.db import migrations, models
from django.db.models.functions import Lower
from django.utils import timezone


def _normal(raw):
    folded = unicodedata.normalize("NFKC", (raw or "").strip()).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def normalise_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    rows = list(User.objects.order_by("pk").values_list("pk", "email"))
    holder = {email: pk for pk, email in rows if email == _normal(email)}
    for pk, email in rows:
        holder.setdefault(_normal(email), pk)
    for pk, email in rows:
        normal = _normal(email)
        if email == normal:
            continue
        if holder[normal] == pk:
            User.objects.filter(pk=pk).update(email=normal)
        else:
            User.objects.filter(pk=pk).update(is_active=False)
            print(
                f"\n  accounts: учётная запись {pk} ({email!r}) отключена: её адрес после "
                f"нормализации совпадает с адресом учётной записи {holder[normal]}."
            )
    seen = set()
    renamed = []
    for invitation in Invitation.objects.order_by("-sent_at", "-pk"):
        normal = _normal(invitation.email)
        if invitation.accepted_at is None and invitation.cancelled_at is None:
            key = (invitation.organisation_id, normal, invitation.role)
            if key in seen:  # an older twin of a pending invitation: cancelled first
                Invitation.objects.filter(pk=invitation.pk).update(cancelled_at=timezone.now())
            seen.add(key)
        if invitation.email != normal:
            renamed.append((invitation.pk, normal))
    for pk, normal in renamed:
        Invitation.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_person_sex_birth_date_h_g"),
    ]

    operations = [
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(Lower("email"), name="user_email_lower_unique"),
        ),
    ]

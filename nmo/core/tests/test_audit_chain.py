"""The audit log's hash chain (ADR 0024): every entry carries the hash of the one before
it and its own; a change made in the database behind the application's back — an entry's
content edited, an entry deleted in the middle or at the end — is found by the command
and the administrators' page, which point at the first broken link."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from nmo.core.chain import verify_chain
from nmo.core.models import AuditEntry
from nmo.core.request_context import reset_client_ip, set_client_ip
from nmo.core.services import record_audit
from nmo.core.tests.tamper import audit_trigger_off, raw

# Transactional: under the application's role the tampering runs as the owner on a
# connection of its own, which must see the entries (tamper.py).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entries(admin_user):
    token = set_client_ip("2001:0db8:0000::1")  # written back compressed by PostgreSQL
    try:
        return [
            record_audit(
                actor=admin_user if i % 2 else None,
                action="grade.change",
                target=admin_user,
                changes={"grade": ["хорошо", "отлично"], "n": i, "share": 0.5, "whole": 2.0},
            )
            for i in range(7)
        ]
    finally:
        reset_client_ip(token)


def test_each_entry_links_to_the_one_before_and_the_chain_verifies(entries):
    chained = list(AuditEntry.objects.order_by("seq"))
    total = len(chained)  # the fixtures' own lines come first
    assert [e.seq for e in chained] == list(range(1, total + 1))
    assert chained[0].prev_hash == ""
    for before, after in itertools.pairwise(chained):
        assert after.prev_hash == before.entry_hash
        assert len(after.entry_hash) == 64
    assert total == entries[-1].seq
    checked: list[int] = []
    report = verify_chain(batch=3, progress=checked.append)  # across batches
    assert report.ok, report.broken
    assert report.checked == total
    assert checked == list(range(3, total + 1, 3))  # after every batch verified


def test_an_edited_entry_is_found_by_its_id(entries):
    target = entries[3]
    with audit_trigger_off():
        assert raw(
            "UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["подмена", target.pk]
        )
    report = verify_chain(batch=2)
    assert report.broken is not None
    assert report.broken.kind == "hash"
    assert report.broken.entry_id == target.pk
    assert report.broken.seq == target.seq
    assert report.checked == target.seq - 1


def test_edited_changes_are_found(entries):
    with audit_trigger_off():
        raw(
            "UPDATE core_auditentry SET changes = %s WHERE id = %s",
            ['{"grade": ["хорошо", "неудовлетворительно"]}', entries[1].pk],
        )
    report = verify_chain()
    assert report.broken is not None
    assert (report.broken.kind, report.broken.entry_id) == ("hash", entries[1].pk)


def test_a_deleted_entry_is_a_gap(entries):
    with audit_trigger_off():
        raw("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    report = verify_chain()
    assert report.broken is not None
    assert report.broken.kind == "gap"
    assert report.broken.entry_id == entries[3].pk
    assert f"Нет записей № {entries[2].seq};" in report.broken.detail


def test_entries_cut_from_the_end_no_longer_reach_the_anchor(entries, capsys):
    """The end of the log is anchored outside the database: the command prints the last
    place and hash, and the next run given that anchor finds entries cut from the end."""
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    anchor = out.rsplit("--anchor ", 1)[1].strip()
    assert anchor == f"{entries[6].seq}:{entries[6].entry_hash}"
    with audit_trigger_off():
        raw("DELETE FROM core_auditentry WHERE id IN (%s, %s)", [entries[5].pk, entries[6].pk])
    assert verify_chain().ok  # without the anchor a shorter log is a whole log
    report = verify_chain(anchor=(entries[6].seq, entries[6].entry_hash))
    assert report.broken is not None
    assert report.broken.kind == "anchor"
    assert f"№ {entries[6].seq}" in report.broken.detail
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", "--anchor", anchor)
    assert "записи в конце журнала удалены" in capsys.readouterr().err


def test_an_entry_written_around_the_chain_is_found(entries, admin_user):
    raw(
        "INSERT INTO core_auditentry (created_at, actor_repr, action, object_type, object_id, "
        "object_repr, changes, prev_hash, entry_hash) "
        "VALUES (CURRENT_TIMESTAMP, 'x', 'grade.change', '', '', '', '{}', '', '')"
    )
    report = verify_chain()
    assert report.broken is not None
    assert report.broken.kind == "unchained"


def test_the_command_says_whether_the_chain_holds(entries, capsys):
    call_command("verify_audit_chain", "--batch", "2")
    out = capsys.readouterr().out
    assert f"Цепочка журнала аудита цела: проверено записей — {entries[-1].seq}" in out
    with audit_trigger_off():
        raw("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entries[4].pk])
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit_chain")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert "содержание записи изменено" in err
    assert f"id {entries[4].pk}" in err


def test_the_administrators_page_points_at_the_first_broken_link(entries, client, admin_user):
    client.force_login(admin_user)
    page = client.post("/audit/integrity/")
    assert page.status_code == 200
    assert f"Цепочка цела: проверено записей — {entries[-1].seq}" in page.content.decode()
    with audit_trigger_off():
        raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    html = client.post("/audit/integrity/").content.decode()
    assert "Цепочка нарушена: пропущены записи (удалены)." in html
    assert f"id {entries[2].pk}" in html
    # Each verification is itself in the log, with what it found.
    verified = AuditEntry.objects.filter(action="audit.verify").order_by("-seq").first()
    assert verified is not None
    assert f"Нет записей № {entries[1].seq}" in verified.changes["broken"]


def test_only_administrators_open_the_integrity_page(client, specialist, provider):
    assert client.get("/audit/integrity/").status_code == 302
    for user in (specialist, provider):
        client.force_login(user)
        assert client.get("/audit/integrity/").status_code == 403
        assert client.post("/audit/integrity/").status_code == 403
    assert not AuditEntry.objects.filter(action="audit.verify").exists()


def test_a_long_log_is_verified_in_a_background_job(entries, client, admin_user, settings):
    """A live log of AUDIT_VERIFY_JOB_THRESHOLD entries or more is verified in a background
    job (ADR 0615): a national log takes minutes, longer than a request may run. The POST
    opens the job's page, whose progress counts the entries checked, and the job says what
    the page would say; the verification is in the log as from the page. Only the
    administrator who started it sees the job."""
    from nmo.core.models import BackgroundJob

    total = entries[-1].seq
    settings.AUDIT_VERIFY_JOB_THRESHOLD = total
    client.force_login(admin_user)
    started = client.post("/audit/integrity/")
    job = BackgroundJob.objects.get(owner=admin_user, kind="audit.verify")
    assert started.status_code == 302
    assert started["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done"
    assert job.total == total  # weighed before the walk, by the places (live_length)
    assert not job.attention
    assert job.message == (
        f"Цепочка цела: проверено записей — {total}. Последняя запись — № {total}."
    )
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"Цепочка цела: проверено записей — {total}." in page
    verified = AuditEntry.objects.get(action="audit.verify")
    assert verified.actor_id == admin_user.pk
    assert verified.changes == {"checked": total, "broken": ""}

    with audit_trigger_off():
        raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    client.post("/audit/integrity/")
    broken = BackgroundJob.objects.filter(kind="audit.verify").order_by("-pk").first()
    assert broken is not None
    assert broken.pk != job.pk
    assert broken.status == "done"
    assert broken.attention
    assert broken.message.startswith("Цепочка нарушена: пропущены записи (удалены). ")
    written = timezone.localtime(entries[2].created_at).strftime("%d.%m.%Y %H:%M:%S")
    assert (
        f"Запись id {entries[2].pk}, № {entries[2].seq} в цепочке, время записи {written}."
        in broken.message
    )
    alert = client.get(f"/jobs/{broken.pk}/").content.decode()
    assert '<div class="message message-error" role="alert" data-finished>' in alert
    assert "Готово, требует внимания." in alert
    assert f"Нет записей № {entries[1].seq}" in broken.message
    assert broken.message.endswith(f"Целых записей до нарушения — {entries[1].seq - 1}.")


def test_a_short_log_is_verified_while_the_administrator_waits(
    entries, client, admin_user, settings
):
    """Below the threshold the page verifies at once and shows the result itself, no job."""
    from nmo.core.models import BackgroundJob

    settings.AUDIT_VERIFY_JOB_THRESHOLD = entries[-1].seq + 1
    client.force_login(admin_user)
    page = client.post("/audit/integrity/")
    assert page.status_code == 200
    assert f"Цепочка цела: проверено записей — {entries[-1].seq}" in page.content.decode()
    assert not BackgroundJob.objects.filter(kind="audit.verify").exists()


def test_another_administrator_does_not_see_the_verification_job(
    entries, client, admin_user, settings
):
    from nmo.accounts.services import add_user
    from nmo.core.models import BackgroundJob

    settings.AUDIT_VERIFY_JOB_THRESHOLD = 1
    client.force_login(admin_user)
    client.post("/audit/integrity/")
    job = BackgroundJob.objects.get(kind="audit.verify")
    other = add_user(email="other-admin@example.ru", password="x-Password-123", role="admin")
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_pressed_again_while_a_verification_runs_the_button_opens_that_job(
    entries, client, admin_user, settings
):
    """The administrator's verification still queued or running is opened again, not
    walked a second time (ADR 0615)."""
    from nmo.core.models import BackgroundJob
    from nmo.web.jobs import VERIFY_KIND, VERIFY_TITLE

    settings.AUDIT_VERIFY_JOB_THRESHOLD = 1
    running = BackgroundJob.objects.create(
        owner=admin_user, kind=VERIFY_KIND, title=VERIFY_TITLE, status="running", total=5
    )
    client.force_login(admin_user)
    again = client.post("/audit/integrity/")
    assert again["Location"] == f"/jobs/{running.pk}/"
    assert BackgroundJob.objects.filter(kind=VERIFY_KIND).count() == 1
    assert not AuditEntry.objects.filter(action="audit.verify").exists()


def test_a_verification_job_of_someone_no_longer_an_administrator_fails(entries, admin_user):
    """The role is checked again when the job runs (ADR 0615): an administrator who lost
    the role since pressing the button gets a refusal, and nothing is verified or
    recorded in their name."""
    from nmo.accounts.models import Membership
    from nmo.accounts.services import add_user, revoke_role
    from nmo.core.jobs import run_job
    from nmo.core.models import BackgroundJob
    from nmo.web.jobs import VERIFY_KIND, VERIFY_TITLE, _verify

    former = add_user(email="former-admin@example.ru", password="x-Password-123", role="admin")
    job = BackgroundJob.objects.create(owner=former, kind=VERIFY_KIND, title=VERIFY_TITLE)
    revoke_role(actor=admin_user, membership_id=Membership.objects.get(user=former).pk)
    assert run_job(job.pk, _verify) == "failed"
    job.refresh_from_db()
    assert job.errors
    assert "Цепочка" not in job.message
    assert not AuditEntry.objects.filter(action="audit.verify", actor_id=former.pk).exists()

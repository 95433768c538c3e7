"""The audit log's hash chain (ADR 0024): every entry carries the hash of the one before
it and its own; a change made in the database behind the application's back — an entry's
content edited, an entry deleted in the middle or at the end — is found by the command
and the administrators' page, which point at the first broken link."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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
    report = verify_chain(batch=3)  # across batches
    assert report.ok, report.broken
    assert report.checked == total


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

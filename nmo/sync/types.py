"""Words of the link between the two portals for the audit log."""

AUDIT_ACTIONS: dict[str, str] = {
    "sync.link": "Учётная запись связана с другим порталом",
    "sync.unlink": "Связь учётной записи с другим порталом разорвана",
}

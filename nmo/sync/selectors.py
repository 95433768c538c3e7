"""What the pages show of a specialist's link (faq-sync-once)."""

from nmo.accounts.models import User
from nmo.sync.models import AccountLink


def links_of(specialist: User) -> list[AccountLink]:
    """The live link first, then the ended ones, newest first."""
    links = AccountLink.objects.filter(specialist=specialist).order_by("-created_at")
    return sorted(links, key=lambda link: link.unlinked_at is not None)

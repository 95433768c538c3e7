"""API v1: documents."""

from ninja import Router

router = Router(tags=["documents"])

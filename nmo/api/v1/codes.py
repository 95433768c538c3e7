"""API v1: codes."""

from ninja import Router

router = Router(tags=["codes"])

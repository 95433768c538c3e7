"""API v1: regulations."""

from ninja import Router

router = Router(tags=["regulations"])

"""API v1: programmes."""

from ninja import Router

router = Router(tags=["programmes"])

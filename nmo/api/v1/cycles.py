"""API v1: cycles."""

from ninja import Router

router = Router(tags=["cycles"])

"""API v1: attestation."""

from ninja import Router

router = Router(tags=["attestation"])

"""Work calendar (api.md: Work calendar). Filled in by the workcalendar slice."""

from ninja import Router

router = Router(tags=["Производственный календарь"])

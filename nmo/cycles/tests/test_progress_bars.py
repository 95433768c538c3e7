"""Progress bars show any non-zero progress (issue 10: the «Всего» bar was empty at
6/144); the figures are always there as text."""

from decimal import Decimal

from django.template.loader import render_to_string

from nmo.cycles.types import PartProgress, ProgressFigures, visible_step


def _figures(earned: int, required: int = 144) -> ProgressFigures:
    part = PartProgress("courses", "Курсы", 36, earned, min(earned, 36), 0, False)
    return ProgressFigures(
        total_required=required,
        total_earned=earned,
        parts=(part,),
        programme_hours=0,
        remote_hours=0,
        remote_share=None,
        min_remote_share=Decimal(0),
        remote_share_applies=False,
        remote_share_met=False,
    )


def test_any_progress_shows_at_least_one_step():
    assert _figures(6).total_bar_step == 5
    assert _figures(6).parts[0].bar_step == 15
    assert _figures(1).parts[0].bar_step == 5
    assert _figures(0).total_bar_step == 0
    assert _figures(72).total_bar_step == 50
    assert visible_step(99, started=True) == 95
    assert visible_step(100, started=True) == 100


def test_the_bar_shows_the_figures_as_text_and_a_visible_fill():
    html = render_to_string(
        "cycles/_bar.html",
        {
            "bar_id": "t",
            "label": "Всего",
            "now": 6,
            "max": 144,
            "step": 5,
            "met": False,
            "remaining": 138,
        },
    )
    assert "6 из 144 ч" in html
    assert "осталось 138 ч" in html
    assert 'class="bar-fill w5 is-started"' in html

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from string import Template

import pytest

from memgit.overview import GrowthPoint
from memgit.web.chart import bar, growth_chart, nice_ceiling
from memgit.web.html import Markup, escape, fragment, join, render, template, url


def test_escape_and_markup() -> None:
    assert (
        escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
    )
    assert escape(Markup("<b>")) == "<b>"
    assert escape(None) == ""
    assert escape(3) == "3"
    assert isinstance(escape("x"), Markup)


def test_render_escapes_every_value_and_requires_all() -> None:
    page = render(Template('<a title="$t">$body</a>'), t='"><x>', body=Markup("<i>ok</i>"))
    assert page == '<a title="&quot;&gt;&lt;x&gt;"><i>ok</i></a>'
    with pytest.raises(KeyError):
        fragment("<p>$missing</p>")
    assert join(["<a>", Markup("<b>")], "|") == "&lt;a&gt;|<b>"


def test_url_encodes_paths_and_queries() -> None:
    assert url("/m/abc") == "/m/abc"
    assert url("/sessions/a b?c") == "/sessions/a%20b%3Fc"
    assert url("/search", q="a&b=c", type="", status=None, file="src/x y.py") == (
        "/search?q=a%26b%3Dc&file=src/x+y.py"
    )


def test_the_page_templates_have_no_stray_dollar_signs() -> None:
    for name in ("base.html", "overview.html", "search.html", "observation.html", "stale.html"):
        assert template(name).is_valid(), name
        assert "content" in template("base.html").get_identifiers()


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (4999, 5000), (10001, 20000)],
)
def test_nice_ceiling(value: int, ceiling: int) -> None:
    assert nice_ceiling(value) == ceiling


def test_growth_chart_is_well_formed_svg() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    points = [GrowthPoint(start + timedelta(days=d), d * 10, d * 8) for d in range(30)]
    svg = growth_chart(points)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.find(f"{ns}title") is not None
    active = root.find(f"{ns}polyline[@class='active']")
    assert active is not None
    assert len(active.attrib["points"].split()) == 30
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert "2026-01-01" in labels
    assert "500" in labels  # the top of the scale: 290 rounded up
    assert "style" not in svg
    assert "No memory yet" in growth_chart([])
    one = ET.fromstring(growth_chart(points[1:2]))  # a single moment still draws
    assert [t.text for t in one.iter(f"{ns}text")][-1] == "2026-01-02"


def test_bar_widths_scale() -> None:
    root = ET.fromstring(bar(5, 10, width=100))
    fill = next(r for r in root if r.attrib.get("class") == "bar-fill")
    assert fill.attrib["width"] == "50.0"
    assert ET.fromstring(bar(0, 0)) is not None

from __future__ import annotations

import time

import pytest

from memgit.web.markdown import render_inline, render_markdown


def test_the_subset_memgit_writes() -> None:
    body = (
        "Uploads return at once; parsing runs in a `worker`.\n"
        "Second line of the same paragraph.\n\n"
        "- one\n"
        "- two with **bold** and *emphasis*\n"
        "  continued here\n"
        "  - nested\n"
        "- three\n\n"
        "1. first\n"
        "2. second"
    )
    assert render_markdown(body) == (
        "<p>Uploads return at once; parsing runs in a <code>worker</code>.\n"
        "Second line of the same paragraph.</p>\n"
        "<ul><li>one</li><li>two with <strong>bold</strong> and <em>emphasis</em>\n"
        "continued here<ul><li>nested</li></ul></li><li>three</li></ul>\n"
        "<ol><li>first</li><li>second</li></ol>"
    )


def test_headings_quotes_rules_and_fences() -> None:
    body = (
        "# Top\n### Deep ###\n> quoted *text*\n> more\n\n---\n"
        "```python\nx = '<b>'\n# not a heading\n```"
    )
    assert render_markdown(body) == (
        "<h3>Top</h3>\n<h5>Deep</h5>\n"
        "<blockquote><p>quoted <em>text</em>\nmore</p></blockquote>\n"
        "<hr>\n"
        "<pre><code>x = &#x27;&lt;b&gt;&#x27;\n# not a heading</code></pre>"
    )


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert render_markdown("text\n~~~\n<i>code</i>") == (
        "<p>text</p>\n<pre><code>&lt;i&gt;code&lt;/i&gt;</code></pre>"
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "[docs](https://example.com/a_(b))",
            'docs <span class="address">(https://example.com/a_(b))</span>',
        ),
        ("[x](javascript:alert(1))", 'x <span class="address">(javascript:alert(1))</span>'),
        ('[x](http://a.example "title")', 'x <span class="address">(http://a.example)</span>'),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('"><img src=x onerror=alert(1)>', "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("**`code` inside**", "<strong><code>code</code> inside</strong>"),
        ("`a <b> & c`", "<code>a &lt;b&gt; &amp; c</code>"),
        ("``with ` tick``", "<code>with ` tick</code>"),
        ("& &amp; &#60;", "&amp; &amp;amp; &amp;#60;"),
        (
            "**[label *em*](u)**",
            '<strong>label <em>em</em> <span class="address">(u)</span></strong>',
        ),
    ],
)
def test_inline(text: str, html: str) -> None:
    assert render_inline(text) == html


def test_links_never_become_anchors() -> None:
    html = render_markdown("see [here](https://example.com) and <a href='javascript:x'>a</a>")
    assert "<a" not in html
    assert "href" not in html.replace("href=&#x27;", "")


def test_pathological_input_stays_fast() -> None:
    nasty = ("`" * 3000 + "*" * 3000 + "[" * 3000 + "**a" * 2000 + "\n") * 3
    nested = "> " * 200 + "deep"
    start = time.perf_counter()
    render_markdown(nasty)
    render_markdown(nested)
    assert time.perf_counter() - start < 2.0
    assert "deep" in render_markdown(nested)

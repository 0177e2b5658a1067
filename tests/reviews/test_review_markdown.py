import pytest

from reviews.markdown import render_markdown

ATTACKS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="https://ok.example" onclick="steal()">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<svg><script>alert(1)</script></svg>",
    '<form action="https://evil.example"><input name=q></form>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<object data=x></object><embed src=x>",
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onclick",
    "javascript:",
    "<iframe",
    "style=",
    "<svg",
    "<form",
    "<input",
    "data:text",
    "<object",
    "<embed",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_strips_dangerous_html(attack):
    html = render_markdown(f"Before {attack} after")
    for needle in FORBIDDEN:
        assert needle not in html.lower()
    assert "Before" in html and "after" in html


def test_markdown_keeps_formatting_and_safe_links():
    html = render_markdown(
        "# Title\n\n**bold** *it* `code`\n\n- one\n- two\n\n[site](https://example.org)"
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html


def test_markdown_of_empty_text_is_empty():
    assert render_markdown("") == ""

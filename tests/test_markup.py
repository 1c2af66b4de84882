"""The neutral reply markup: parsing, escaping, splitting."""

from __future__ import annotations

from bot.markup import Line, Span, escape, parse, render_plain_line, split_rendered, to_plain


def test_styles_links_and_list_items() -> None:
    [title, item] = parse("*Gras* et _italique_\n- voir [la source](https://example.org)")
    assert title == Line((Span("Gras", bold=True), Span(" et "), Span("italique", italic=True)))
    assert item.item
    assert item.spans[-1] == Span("la source", url="https://example.org")
    assert to_plain("- [la source](https://example.org)") == "• la source (https://example.org)"


def test_escaped_member_text_stays_literal() -> None:
    hostile = "*bold* _it_ [x](javascript:alert(1)) \\ <b>&amp;\n- not an item"
    lines = parse(escape(hostile))
    assert "\n".join(line.plain for line in lines) == hostile
    assert all(
        not span.bold and not span.italic and not span.url for line in lines for span in line.spans
    )
    assert all(span.literal for line in lines for span in line.spans)
    assert not any(line.item for line in lines)


def test_only_escaped_text_is_literal() -> None:
    [line] = parse("*Sujet* : " + escape("*x*") + " QUITGPT\\_MODERATORS")
    assert [(span.text, span.literal) for span in line.spans] == [
        ("Sujet", False),
        (" : ", False),
        ("*x*", True),
        (" QUITGPT", False),
        ("_", True),
        ("MODERATORS", False),
    ]


def test_split_prefers_paragraph_boundaries() -> None:
    paragraphs = ["a" * 60, "b" * 60, "c" * 60]
    chunks = split_rendered(parse("\n\n".join(paragraphs)), render_plain_line, 130)
    assert chunks == ["a" * 60 + "\n\n" + "b" * 60, "c" * 60]


def test_split_cuts_an_overlong_line_at_spaces_and_loses_nothing() -> None:
    words = " ".join(f"mot{i}" for i in range(1500))
    chunks = split_rendered(parse(words), render_plain_line, 1000)
    assert all(len(chunk) <= 1000 for chunk in chunks)
    assert "".join(chunks) == words
    assert len(chunks) == len(words) // 1000 + 1


def test_split_respects_the_rendered_length() -> None:
    def html(line: Line) -> str:
        return "".join(s.text.replace("&", "&amp;") for s in line.spans)

    chunks = split_rendered(parse("&" * 3000), html, 4096)
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert sum(chunk.count("&amp;") for chunk in chunks) == 3000

"""The small markup replies are written in, and its parser.

Syntax: `*bold*`, `_italic_`, `[label](https://url)`, a line starting with `- `
is a list item, a blank line separates paragraphs. A backslash escapes the next
character, and escaped characters parse into `literal` spans. Everything that did
not come from our own locale files goes through `escape` before it is put in a
reply, so a member's `*` or `[x](y)` stays text, and adapters, which escape for
their platform when they render the parsed lines, also keep literal spans from
becoming a link, a mention or a command there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace


def escape(text: str) -> str:
    """Make any text literal in the markup: every character but a line break is escaped."""
    return "".join(ch if ch == "\n" else "\\" + ch for ch in text)


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    url: str = ""
    literal: bool = False  # escaped: text from outside our catalogues

    @property
    def style(self) -> tuple[bool, bool, str]:
        """What a renderer wraps around the text: neighbours alike are wrapped once."""
        return self.bold, self.italic, self.url


@dataclass(frozen=True, slots=True)
class Line:
    spans: tuple[Span, ...]
    item: bool = False

    @property
    def blank(self) -> bool:
        return not self.item and not any(span.text for span in self.spans)

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self.spans)


def parse(markup: str) -> list[Line]:
    """Parse markup into lines of styled spans."""
    lines = []
    for raw in markup.split("\n"):
        item = raw.startswith("- ")
        lines.append(Line(tuple(_parse_spans(raw[2:] if item else raw)), item))
    return lines


def _parse_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    buf: list[str] = []
    bold = italic = literal = False

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), bold, italic, literal=literal))
            buf.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        escaped = ch == "\\" and i + 1 < len(text)
        if escaped != literal:
            flush()
            literal = escaped
        if escaped:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "*":
            flush()
            bold = not bold
        elif ch == "_":
            flush()
            italic = not italic
        elif ch == "[" and (link := _match_link(text, i)):
            label, url, i = link
            flush()
            spans.append(Span(label, bold, italic, url))
            continue
        else:
            buf.append(ch)
        i += 1
    flush()
    return spans


def _match_link(text: str, start: int) -> tuple[str, str, int] | None:
    label_end = text.find("](", start)
    url_end = text.find(")", label_end + 2) if label_end != -1 else -1
    if label_end == -1 or url_end == -1 or "\n" in text[start:url_end]:
        return None
    label = text[start + 1 : label_end].replace("\\", "")
    return label, text[label_end + 2 : url_end], url_end + 1


def to_plain(markup: str) -> str:
    """Render for a plain-text terminal: links as `label (url)`, items as bullets."""
    return "\n".join(render_plain_line(line) for line in parse(markup))


def render_plain_line(line: Line) -> str:
    text = "".join(
        f"{s.text} ({s.url})" if s.url and s.url != s.text else s.text for s in line.spans
    )
    return f"• {text}" if line.item else text


def split_rendered(
    lines: list[Line],
    render: Callable[[Line], str],
    limit: int,
    measure: Callable[[str], int] = len,
) -> list[str]:
    """Render lines into chunks that each `measure` at most `limit`.

    Chunks break between paragraphs when they can, then between lines, and only
    cut inside a line (at a space when there is one) when a line alone is too long.
    `measure` is the platform's own count of a rendered chunk (Telegram counts UTF-16
    units of the text its markup shows).
    """
    chunks: list[str] = []
    current: list[str] = []

    def size(parts: list[str]) -> int:
        return sum(measure(p) for p in parts) + max(len(parts) - 1, 0)

    for paragraph in _paragraphs(lines):
        rendered = [
            piece for line in paragraph for piece in _fit_line(line, render, limit, measure)
        ]
        candidate = [*current, "", *rendered] if current else rendered
        if size(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append("\n".join(current))
            current = []
        for piece in rendered:
            if current and size([*current, piece]) > limit:
                chunks.append("\n".join(current))
                current = []
            current.append(piece)
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    paragraphs: list[list[Line]] = [[]]
    for line in lines:
        if line.blank:
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(line)
    return [p for p in paragraphs if p]


def _fit_line(
    line: Line, render: Callable[[Line], str], limit: int, measure: Callable[[str], int]
) -> list[str]:
    """Render a line, cutting it into the fewest pieces that each fit `limit`."""
    pieces = []
    while measure(rendered := render(line)) > limit:
        low, high = 1, len(line.plain)  # the longest prefix that fits, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            if measure(render(_cut(line, middle)[0])) <= limit:
                low = middle
            else:
                high = middle - 1
        space = line.plain.rfind(" ", low * 2 // 3, low)
        head, line = _cut(line, space + 1 if space > 0 else low)
        pieces.append(render(head))
    return [*pieces, rendered]


def _cut(line: Line, cut: int) -> tuple[Line, Line]:
    """Split a line after `cut` characters of its text."""
    left: list[Span] = []
    right: list[Span] = []
    seen = 0
    for span in line.spans:
        end = seen + len(span.text)
        if end <= cut:
            left.append(span)
        elif seen >= cut:
            right.append(span)
        else:
            k = cut - seen
            left.append(replace(span, text=span.text[:k]))
            right.append(replace(span, text=span.text[k:]))
        seen = end
    return Line(tuple(left), line.item), Line(tuple(right))

"""A status's text as HTML: plain text, Markdown or HTML in, sanitised HTML out, with
@mentions, #hashtags and bare links made into links the same way in all three.

Markup is only ever parsed by a parser (markdown-it, the standard library's HTMLParser,
nh3): the one regular expression here finds mentions, hashtags and links inside text
that is already known to be text."""

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import msgspec
import nh3
from markdown_it import MarkdownIt

from tidings.api.settings import Settings

PLAIN, MARKDOWN, HTML = "text/plain", "text/markdown", "text/html"
CONTENT_TYPES = (PLAIN, MARKDOWN, HTML)

# A URL runs to whitespace, minus trailing punctuation; a mention is @name or
# @name@domain (the domain may carry a port); a hashtag needs one letter.
_TOKEN = re.compile(
    r"(?P<url>https?://[^\s<>\"]*[^\s<>\".,;:!?'()\[\]])"
    r"|(?<![\w@/=.])@(?P<user>[A-Za-z0-9_]{1,30})"
    r"(?:@(?P<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d+)?))?(?![\w@])"
    r"|(?<![\w&#/])#(?P<tag>\w*[^\W\d]\w*)"
)
# Pleroma's shortcode: letters, digits, ``_`` and ``-`` between colons.
_SHORTCODE = re.compile(r":([A-Za-z0-9_-]{1,64}):")

# Pleroma's default scrubber (priv/scrubbers/default.ex): headings, tables, images and
# fonts are off by default there, so they are off here.
TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
}  # fmt: skip  (``s`` beyond Pleroma's list: markdown-it's strikethrough writes it)
URL_SCHEMES = {"http", "https", "mailto", "xmpp", "gopher", "gemini", "magnet"}
# What an author's own markup may carry: no classes or data attributes, so a hand-made
# link cannot pass for a mention; every link of theirs gets the same rel.
_AUTHOR_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_AUTHOR_REL = "ugc nofollow noopener"
# What the links made here carry, checked once more on the way out.
_ATTRIBUTES = {
    "a": {"href", "title", "rel", "target", "data-user", "data-tag"},
    "abbr": {"title"},
}
_CLASSES = {"a": {"u-url", "mention", "hashtag"}, "span": {"h-card"}}
_SKIP = {"a", "code", "pre"}  # text already linked, or meant literally
_VOID = {"br", "hr", "img", "wbr"}
_BLOCKS = {"p", "li", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("strikethrough")


def tag_url(settings: Settings, name: str) -> str:
    return f"{settings.base_url}/tag/{quote(name)}"


class Formatted(msgspec.Struct, kw_only=True):
    content: str
    mentions: list[str]  # account ids, in order of appearance
    tags: list[str]


def mentioned_usernames(text: str, domain: str) -> list[str]:
    """Usernames of the local accounts the text may mention."""
    found = []
    for match in _TOKEN.finditer(text):
        host = match["host"]
        if match["user"] and (host is None or host.lower() == domain.lower()):
            found.append(match["user"])
    return found


def shortcodes(*texts: str) -> list[str]:
    """The ``:shortcode:``s written, once each in order; which exist is for the caller."""
    return list(dict.fromkeys(m[1] for text in texts for m in _SHORTCODE.finditer(text)))


class _Linker:
    """Turns text into escaped HTML with its mentions, hashtags and links made links,
    remembering whom and what it linked across the pieces of one status."""

    def __init__(self, known: dict[str, dict[str, Any]], settings: Settings) -> None:
        self.known = known
        self.settings = settings
        self.mentions: list[str] = []
        self.tags: list[str] = []

    def link(self, text: str) -> str:
        out: list[str] = []
        last = 0
        for match in _TOKEN.finditer(text):
            out.append(html.escape(text[last : match.start()]))
            last = match.end()
            out.append(self._token(match))
        out.append(html.escape(text[last:]))
        return "".join(out)

    def _token(self, match: re.Match[str]) -> str:
        settings = self.settings
        if match["url"]:
            url = html.escape(match["url"])
            return f'<a href="{url}" rel="ugc nofollow noopener" target="_blank">{url}</a>'
        if match["user"]:
            host = match["host"]
            account = self.known.get(match["user"].lower())
            if account is None or (host is not None and host.lower() != settings.domain.lower()):
                return html.escape(match[0])
            if account["id"] not in self.mentions:
                self.mentions.append(account["id"])
            name = html.escape(account["username"])
            href = html.escape(f"{settings.base_url}/users/{account['username']}")
            return (
                f'<span class="h-card"><a class="u-url mention" data-user="{account["id"]}"'
                f' href="{href}" rel="ugc">@<span>{name}</span></a></span>'
            )
        tag = match["tag"]
        if tag.lower() not in self.tags:
            self.tags.append(tag.lower())
        href = html.escape(tag_url(settings, tag.lower()))
        return (
            f'<a class="hashtag" data-tag="{html.escape(tag.lower())}" href="{href}"'
            f' rel="tag ugc">#{html.escape(tag)}</a>'
        )


class _Rewriter(HTMLParser):
    """Re-emits clean HTML as it is, linking the text outside links and code."""

    def __init__(self, linker: _Linker) -> None:
        super().__init__(convert_charrefs=True)
        self.linker = linker
        self.out: list[str] = []
        self.skip = 0  # depth inside a, code and pre
        self.pre = 0
        self.line_start = True  # just after a block's edge or a <br>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(_start_tag(tag, attrs))
        self.line_start = tag in _BLOCKS or tag == "br"
        if tag in _VOID:
            return
        self.skip += tag in _SKIP
        self.pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(_start_tag(tag, attrs))
        self.line_start = tag == "br"

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.out.append(f"</{tag}>")
        self.line_start = tag in _BLOCKS
        self.skip -= tag in _SKIP and self.skip > 0
        self.pre -= tag == "pre" and self.pre > 0

    def handle_data(self, data: str) -> None:
        if not self.pre and self.line_start:
            # The newlines a renderer puts between blocks and after a <br>: clients that
            # keep them would show a second line break.
            data = data.lstrip("\n")
            if not data:
                return
        self.line_start = False
        self.out.append(html.escape(data, quote=False) if self.skip else self.linker.link(data))


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    rendered = "".join(
        f' {name}="{html.escape(value or "")}"' if value is not None else f" {name}"
        for name, value in attrs
    )
    return f"<{tag}{rendered}>"


def _clean_authored(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=TAGS,
        attributes=_AUTHOR_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=_AUTHOR_REL,
    )


def _clean(markup: str) -> str:
    # ``rel`` is allowed as an attribute, so ``link_rel`` must be None (else ValueError);
    # ``class`` is left to ``allowed_classes`` alone (in both, nh3 panics).
    return nh3.clean(
        markup,
        tags=TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


def format_plain(text: str, known: dict[str, dict[str, Any]], settings: Settings) -> Formatted:
    """Plain text to HTML: every piece of the text is escaped, and only the links built here
    are markup, so there is nothing for a sanitiser to remove (nh3 would only respell
    ``<br/>``). ``known`` maps lowercased usernames to the accounts that exist."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    linker = _Linker(known, settings)
    body = linker.link(text).replace("\n", "<br/>")
    return Formatted(content=f"<p>{body}</p>", mentions=linker.mentions, tags=linker.tags)


def format_status(
    text: str, content_type: str, known: dict[str, dict[str, Any]], settings: Settings
) -> Formatted:
    """``content_type`` is one of CONTENT_TYPES (checked at the edge)."""
    if content_type == PLAIN:
        return format_plain(text, known, settings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    authored = _markdown.render(text) if content_type == MARKDOWN else text
    linker = _Linker(known, settings)
    rewriter = _Rewriter(linker)
    rewriter.feed(_clean_authored(authored))
    rewriter.close()
    content = _clean("".join(rewriter.out)).strip()
    return Formatted(content=content, mentions=linker.mentions, tags=linker.tags)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def plain_text(content: str) -> str:
    """Rendered HTML back to text, for Pleroma's ``content["text/plain"]``: line breaks
    kept, paragraphs a blank line apart, every tag gone."""
    parser = _Text()
    parser.feed(content)
    parser.close()
    lines = "".join(parser.out).strip()
    while "\n\n\n" in lines:
        lines = lines.replace("\n\n\n", "\n\n")
    return lines

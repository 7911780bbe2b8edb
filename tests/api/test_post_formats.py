"""Posting in Markdown and HTML: both sanitised to Pleroma's allow-list, with mentions,
hashtags and bare links made links as in plain text; and the instance's custom emoji."""

from typing import Any

import psycopg

from tests.api.test_statuses import post
from tests.helpers import Client, event_count

MENTION = '<a class="u-url mention" data-user="{id}" href="http://testserver.local/users/bob"'


def test_markdown_renders_emphasis_links_and_code_and_links_mentions_only_in_text(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    text = (
        "**bold** _it_ ~~gone~~ @bob #Tag https://example.org/x\n"
        "next line\n\n"
        "`@bob #code` [see @bob](https://example.org/y) <script>alert(1)</script>"
    )
    status = post(client, alice, text, content_type="text/markdown")
    content = status["content"]
    assert content.startswith("<p><strong>bold</strong> <em>it</em> <s>gone</s> ")
    assert content.count(MENTION.format(id=bob.id)) == 1  # not the one in code, nor the link
    assert '<a class="hashtag" data-tag="tag" href="http://testserver.local/tag/tag"' in content
    assert '<a href="https://example.org/x" rel="ugc nofollow noopener"' in content
    assert "<br>next line</p>" in content
    assert "<code>@bob #code</code>" in content
    assert '<a href="https://example.org/y" rel="ugc nofollow noopener">see @bob</a>' in content
    assert "<script>" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert [m["id"] for m in status["mentions"]] == [bob.id]
    assert [t["name"] for t in status["tags"]] == ["tag"]
    assert status["pleroma"]["content"]["text/plain"] == (
        "bold it gone @bob #Tag https://example.org/x\nnext line\n\n"
        "@bob #code see @bob <script>alert(1)</script>"
    )
    source = client.get(f"/api/v1/statuses/{status['id']}/source", headers=alice.auth).json()
    assert source == {
        "id": status["id"],
        "text": text,
        "spoiler_text": "",
        "content_type": "text/markdown",
    }


def test_html_is_sanitised_and_its_text_linked(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    html = (
        '<p onclick="steal()">hi @bob <b>bold</b> <a href="javascript:alert(1)">js</a>'
        ' <a href="https://example.org" class="u-url mention" data-user="x" rel="me">@bob</a>'
        '</p><script>steal()</script><img src="https://example.org/i.png"><h1>Title</h1>'
        "<ul><li>#listed</li></ul><pre>@bob #pre</pre>"
    )
    content = post(client, alice, html, content_type="text/html")["content"]
    for gone in ("onclick", "steal", "javascript:", "<script", "<img", "<h1", 'rel="me"'):
        assert gone not in content, gone
    assert content.count(MENTION.format(id=bob.id)) == 1
    # An author's own link cannot pass for a mention, and carries the usual rel.
    assert '<a href="https://example.org" rel="ugc nofollow noopener">@bob</a>' in content
    assert "<b>bold</b>" in content and "Title" in content
    assert '<li><a class="hashtag" data-tag="listed"' in content
    assert "<pre>@bob #pre</pre>" in content


def test_plain_text_is_still_escaped_and_unknown_content_types_are_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    status = post(client, alice, "<b>x</b>\ny", content_type="text/plain")
    assert status["content"] == "<p>&lt;b&gt;x&lt;/b&gt;<br/>y</p>"
    before = event_count(db)
    for content_type in ("text/bbcode", "text/x.misskeymarkdown", "TEXT/HTML"):
        response = client.post(
            "/api/v1/statuses",
            headers=alice.auth,
            data={"status": "hi", "content_type": content_type},
        )
        assert response.status_code == 422, content_type
        assert "content_type" in response.json()["error"]
    assert event_count(db) == before


def test_preview_renders_markdown_without_writing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    preview = post(client, alice, "# *draft*", content_type="text/markdown", preview="true")
    assert preview["content"] == "<em>draft</em>"  # headings are not on Pleroma's list
    assert event_count(db) == before
    assert client.get(f"/api/v1/statuses/{preview['id']}").status_code == 404


def test_the_instance_advertises_the_formats_it_renders(client: Client) -> None:
    formats = ["text/plain", "text/markdown", "text/html"]
    instance = client.get("/api/v1/instance").json()
    assert instance["pleroma"]["metadata"]["post_formats"] == formats
    v2 = client.get("/api/v2/instance").json()
    assert v2["configuration"]["statuses"]["supported_mime_types"] == formats
    nodeinfo = client.get("/nodeinfo/2.1.json").json()
    assert nodeinfo["metadata"]["postFormats"] == formats


def test_custom_emoji_used_are_listed_and_stay_in_the_text(client: Client) -> None:
    alice = client.register("alice")
    status = post(
        client,
        alice,
        "love :tidings_heart: and :tidings_heart: but not :nope:",
        spoiler_text=":tidings_smile:",
    )
    assert ":tidings_heart:" in status["content"] and ":nope:" in status["content"]
    url = "http://testserver.local/emoji/tidings/tidings_{}.png"
    assert sorted(status["emojis"], key=lambda e: e["shortcode"]) == [
        {
            "shortcode": f"tidings_{name}",
            "url": url.format(name),
            "static_url": url.format(name),
            "visible_in_picker": True,
            "category": "tidings",
        }
        for name in ("heart", "smile")
    ]
    again = client.get(f"/api/v1/statuses/{status['id']}").json()
    assert again["emojis"] == status["emojis"]
    assert post(client, alice, "no emoji :here:")["emojis"] == []

"""Streaming: Pleroma's WebSocket and Mastodon's server-sent events over one per-process hub
that Redis pub/sub feeds (the publisher in ``workers/streaming.py`` renders each event)."""

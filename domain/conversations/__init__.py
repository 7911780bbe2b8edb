"""Pleroma's conversations: a participation per (account, thread) in direct messages."""

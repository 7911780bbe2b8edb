"""Blocks, mutes and domain blocks: who each account has shut out, for every read to filter by."""

from tidings.projections.tracking import Projection


class Blocks(Projection):
    name = "blocks"

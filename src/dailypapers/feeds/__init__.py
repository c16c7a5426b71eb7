"""Feeds as objects: a reader composes a feed (categories with exclusions, authors, keywords in
the search syntax, "papers like this text", a minimum of upvotes), and reads it on its page, as
Atom, RSS and JSON, and as a section of their digest.

- ``records``: :class:`~.records.Feed` and :class:`~.records.Definition`, the named errors
- ``definitions``: what a valid definition is (each bad field named)
- ``service``: making, reading, changing and deleting feeds, with the owner checks
- ``access``: private feeds' reader addresses (a token per feed)
- ``matching``: the papers of a feed, newest first, and those stored since a moment
"""

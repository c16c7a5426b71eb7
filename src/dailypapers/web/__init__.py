"""The web layer: app factory, HTML pages, the upstream-compatible API, feeds."""

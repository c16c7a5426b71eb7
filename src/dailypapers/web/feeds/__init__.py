"""RSS 2.0 and Atom feeds of every list view (``routes``), written by ``writer``; which feeds a
page advertises is ``links``."""

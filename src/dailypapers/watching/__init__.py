"""Papers a reader watches: a new arXiv version, a new code link or a new comment by someone
else is news to them, on their /watching page and in their digest. What is new is read from the
papers as they are (see db/schema/watches.py), so nothing is lost if a worker dies."""

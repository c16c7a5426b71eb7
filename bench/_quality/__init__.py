"""The quality bench's parts: description queries, reference systems, the table."""

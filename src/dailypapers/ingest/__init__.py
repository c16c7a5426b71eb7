"""Ingestion: one module per source (pure fetch + parse into records) and the shared pipeline
(validate, merge, upsert) in :mod:`dailypapers.ingest.pipeline`."""

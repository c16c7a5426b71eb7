"""What an operator watches: readiness checks (:mod:`.health`), the site's gauges for
``/metrics`` (:mod:`.gauges`) and the database outage (:mod:`.outage`)."""

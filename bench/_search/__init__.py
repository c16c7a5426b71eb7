"""The parts of ``python -m bench search`` (bench/search.py), one idea each: the stores it
measures (:mod:`corpus`), the queries it asks (:mod:`queries`), the timings and the quality
(:mod:`timing`), serving from a snapshot in a fresh process (:mod:`serving`), the corpus
replicated to a larger size (:mod:`replicate`) and the tables it prints (:mod:`tables`)."""

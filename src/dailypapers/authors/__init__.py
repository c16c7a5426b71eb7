"""Authors as readers look them up: names folded into matching keys, initials resolved only where
they are unambiguous, and an author's page (their papers, co-authors and categories)."""

"""Recommendations that learn: "for you" on the site, in the API, the feed and the digest.

- ``model``: the scoring (nearest wanted paper, hubness taken out, 👎 pushing away), pure
- ``positives``: what a reader wants and does not want, the one place it is read from
- ``personal``: the recent pool and the archive's nearest papers, ranked for a reader
- ``for_you``: both parts of "for you", each paper with its reason
- ``feedback``: 👍/👎 from the site and from signed one-click links in the digest
"""

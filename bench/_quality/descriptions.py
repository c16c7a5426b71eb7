"""Description-style queries: long requests as a person types them, written from one paper.

Each query is put together from the upstream's metadata of one feed paper, by a seeded random
choice per paper (the same paper and seed always give the same query):

- a topic: one or two of the paper's AI keywords, lower-cased, leaving out those that name the
  paper's own system (a word with inner capitals or digits, "SentenceLens", "Llama3.2", or a
  word of the title before its colon): a reader who wants the paper does not know its name;
- what the paper does: the AI summary (a paraphrase the upstream's model wrote, not the
  abstract's wording) from its first verb on ("improves rate-distortion performance by ..."),
  at most 18 words;
- one quoted fragment: 2 to 4 consecutive words of the title (not of its system name), or one
  more AI keyword of several words. In about a third of the queries it is misquoted, as people
  misremember: two words swapped, a word replaced by a near synonym, a plural made singular (or
  back), a middle word dropped, keeping only a change that occurs nowhere in the paper's title
  and abstract (compared lower-cased, punctuation as spaces). ``quote_in_paper`` in the query's
  metadata says which (a keyword may be misquoted by the upstream's model already);
- the words around them: an opener ("I'm looking for papers on ..."), a parenthesis ("(not
  surveys, please)", "(especially "...")") and glue with stop words.

Judged as a known item: the paper the query was written from is the one relevant document.
Other papers may answer the request as well and count as non-relevant, which lowers every
system's scores alike; the set compares systems, its absolute numbers are a floor.
"""

from __future__ import annotations

import random
import re

OPENERS = (
    "I'm looking for papers on {topic}",
    "Can you find work about {topic}",
    "Any recent papers on {topic}",
    "I need references for {topic}",
    "Looking for research that deals with {topic}",
    "What are the papers about {topic}",
)
ASIDES = (
    "(not surveys, please)",
    "(or something close to it)",
    "(ideally with {extra})",
    "(e.g. {extra})",
    "(especially {quote})",
)
CLAUSES = ("that {tail}", ", something that {tail}", ". I think it {tail}", "which {tail}")
QUOTINGS = ("I remember the phrase {quote}.", "I think it mentioned {quote}.")
TITLE_QUOTING = "The title had {quote} in it, if I remember well."
MISQUOTED_SHARE = 0.35
# Near synonyms a reader swaps in when quoting from memory.
SYNONYMS = {
    "model": "network",
    "models": "networks",
    "learning": "training",
    "large": "big",
    "efficient": "fast",
    "generation": "synthesis",
    "method": "approach",
    "framework": "system",
    "language": "text",
    "image": "picture",
    "images": "pictures",
    "video": "movie",
    "reasoning": "thinking",
    "robust": "reliable",
    "benchmark": "dataset",
    "towards": "toward",
    "via": "through",
    "with": "using",
    "for": "in",
}
# Verbs an AI summary starts its predicate with ("X improves ...", "models can adapt ...").
VERB_STEMS = (
    "improve",
    "enhance",
    "achieve",
    "address",
    "introduce",
    "use",
    "reduce",
    "enable",
    "outperform",
    "combine",
    "leverage",
    "propose",
    "present",
    "demonstrate",
    "show",
    "provide",
    "integrate",
    "employ",
    "generate",
    "learn",
    "allow",
    "boost",
    "capture",
    "evaluate",
    "identify",
    "increase",
    "mitigate",
    "optimize",
    "predict",
    "produce",
    "reveal",
    "support",
    "utilize",
    "adapt",
    "extend",
    "offer",
    "train",
    "apply",
    "explore",
    "analyze",
    "assess",
    "incorporate",
    "bridge",
    "tackle",
    "unify",
    "accelerate",
)
VERBS = {
    *VERB_STEMS,
    *(
        v[:-1] + "ies" if v.endswith("y") else v + "es" if v.endswith(("sh", "ss")) else v + "s"
        for v in VERB_STEMS
    ),
}
TAIL_WORDS = 18
STOPWORDS = {"a", "an", "the", "of", "for", "and", "in", "on", "to", "with", "via", "from", "by"}


def normal(text: str) -> str:
    """Lower-cased, every run of non-alphanumeric characters one space (for 'verbatim')."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def occurs(fragment: str, text: str) -> bool:
    """Whether ``fragment``'s words occur in ``text`` in a row, whole words only."""
    return f" {normal(fragment)} " in f" {normal(text)} "


def typed(text: str) -> str:
    """``text`` as a person types it: no TeX accents (Schr\\"odinger), no double quotes of
    its own (the query's quote marks are the only ones)."""
    return text.replace("\\", "").replace('"', "")


def is_name(keyword: str, title: str) -> bool:
    """Whether ``keyword`` names the paper's own system rather than its topic."""
    name = title.split(":")[0] if ":" in title and len(title.split(":")[0].split()) <= 3 else ""
    named = set(normal(name).split())
    for word in keyword.split():
        if re.search(r"\d", word) or re.search(r"[a-z][A-Z]", word) or word.isupper():
            return True
        if normal(word) in named:
            return True
    return False


def tail(summary: str) -> str | None:
    """What the summary says the paper does, from its first verb on."""
    words = summary.split()
    for position, word in enumerate(words[1:], 1):
        if word.lower().strip(",.;") in VERBS:
            kept = words[position : position + TAIL_WORDS]
            while kept and kept[-1].lower().strip(",.;") in STOPWORDS | {"while", "across"}:
                kept.pop()
            return " ".join(kept).rstrip(".,;")
    return None


def title_fragment(title: str, rng: random.Random) -> str | None:
    """A few consecutive words of the title, never of the system name before its colon."""
    head, colon, rest = title.partition(":")
    words = (rest if colon and len(head.split()) <= 3 else title).replace(":", " ").split()
    for _ in range(6):
        size = rng.choice((2, 3, 4))
        if len(words) < size:
            continue
        start = rng.randrange(len(words) - size + 1)
        chosen = [w.strip(",.;") for w in words[start : start + size]]
        if chosen[0].lower() not in STOPWORDS and chosen[-1].lower() not in STOPWORDS:
            return " ".join(chosen)
    return None


def misquote(fragment: str, paper_text: str, rng: random.Random) -> str | None:
    """``fragment`` changed the way memory changes it, if the change occurs nowhere in the
    paper; None when no change does."""
    words = fragment.split()
    changes = []
    if len(words) >= 2:
        at = rng.randrange(len(words) - 1)
        changes.append(words[:at] + [words[at + 1], words[at]] + words[at + 2 :])
    swappable = [i for i, w in enumerate(words) if w.lower() in SYNONYMS]
    if swappable:
        at = rng.choice(swappable)
        changes.append(words[:at] + [SYNONYMS[words[at].lower()]] + words[at + 1 :])
    last = words[-1]
    changes.append([*words[:-1], last[:-1] if last.endswith("s") else last + "s"])
    if len(words) >= 3:
        at = rng.randrange(1, len(words) - 1)
        changes.append(words[:at] + words[at + 1 :])
    rng.shuffle(changes)
    for changed in changes:
        text = " ".join(changed)
        if normal(text) and not occurs(text, paper_text):
            return text
    return None


def describe(paper, rng: random.Random) -> tuple[str, dict] | None:
    """(query text, metadata) written from ``paper`` (a feed PaperRecord), or None when its
    metadata is too thin (fewer than two topic keywords, no verb in the summary)."""
    keywords = [typed(k) for k in paper.ai_keywords or [] if not is_name(k, paper.title)]
    does = tail(typed(paper.ai_summary or ""))
    if len(keywords) < 2 or does is None:
        return None
    chosen = rng.sample(keywords, min(3, len(keywords)))
    topic, extra = chosen[0], chosen[1]
    spare = chosen[2] if len(chosen) > 2 and len(chosen[2].split()) > 1 else None
    from_title = spare is None or rng.random() < 0.5
    fragment = title_fragment(typed(paper.title), rng) if from_title else spare
    if fragment is None:
        fragment, from_title = spare or extra, False
    paper_text = f"{paper.title} {paper.abstract}"
    if rng.random() < MISQUOTED_SHARE:
        fragment = misquote(fragment, paper_text, rng) or fragment
    quoting = TITLE_QUOTING if from_title else rng.choice(QUOTINGS)
    text = _compose(rng, topic.lower(), extra.lower(), does, f'"{fragment}"', quoting)
    verbatim = occurs(fragment, paper_text)
    return text, {"quote": fragment, "quote_in_paper": verbatim, "source": paper.arxiv_id}


def _compose(
    rng: random.Random, topic: str, extra: str, does: str, quote: str, quoting: str
) -> str:
    aside = rng.choice(ASIDES)
    parts = [rng.choice(OPENERS).format(topic=topic)]
    if rng.random() < 0.7:
        parts.append(aside.format(extra=extra, quote=quote))
    clause = rng.choice(CLAUSES).format(tail=does[0].lower() + does[1:])
    parts.append(clause)
    text = " ".join(parts).replace(" ,", ",").replace(" .", ".")
    if quote not in text:
        text = f"{text}. {quoting.format(quote=quote)}"
    elif not text.endswith("?"):
        text += "?" if text.startswith(("Can", "Any", "What")) else "."
    return text

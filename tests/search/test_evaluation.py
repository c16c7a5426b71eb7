"""`dailypapers eval-search` on a BEIR-layout collection built at test time from the real corpus:
hand-written queries (tests/search/labelled_queries.tsv) and the upstream's AI summaries as
paraphrased known-item queries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.ingest import importer
from dailypapers.search import evaluation

LABELLED = Path(__file__).with_name("labelled_queries.tsv")


def labelled_queries() -> list[tuple[str, list[str]]]:
    rows = []
    for line in LABELLED.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            text, relevant = line.split("\t")
            rows.append((text, relevant.split(",")))
    return rows


def write_beir(folder: Path, search_corpus: list[Path], *, summaries: bool) -> Path:
    """A BEIR folder: corpus = the test corpus, queries = hand-written (+ AI summaries)."""
    (folder / "qrels").mkdir(parents=True)
    docs, queries, qrels = {}, [], []
    for path in search_corpus:
        for item in importer.records_from(path):
            paper = getattr(item, "paper", item)
            docs[paper.arxiv_id] = {
                "_id": f"doc-{paper.arxiv_id}",
                "title": paper.title,
                "text": paper.abstract,
            }
            if (
                summaries
                and paper.ai_summary
                and paper.arxiv_id not in {q["_id"][2:] for q in queries}
            ):
                queries.append({"_id": f"s-{paper.arxiv_id}", "text": paper.ai_summary})
                qrels.append((f"s-{paper.arxiv_id}", f"doc-{paper.arxiv_id}", 1))
    for number, (text, relevant) in enumerate(labelled_queries()):
        queries.append({"_id": f"h-{number}", "text": text})
        qrels.extend((f"h-{number}", f"doc-{arxiv_id}", 1) for arxiv_id in relevant)
    with (folder / "corpus.jsonl").open("w") as handle:
        handle.writelines(json.dumps(doc) + "\n" for doc in docs.values())
    with (folder / "queries.jsonl").open("w") as handle:
        handle.writelines(json.dumps(query) + "\n" for query in queries)
    with (folder / "qrels" / "test.tsv").open("w") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        handle.writelines(f"{q}\t{d}\t{s}\n" for q, d, s in qrels)
    return folder


def test_the_labelled_queries_point_at_corpus_papers(search_corpus):
    stored = {
        getattr(i, "paper", i).arxiv_id for p in search_corpus for i in importer.records_from(p)
    }
    wanted = {arxiv_id for _, relevant in labelled_queries() for arxiv_id in relevant}
    assert len(labelled_queries()) >= 30 and wanted <= stored


@pytest.mark.slow
def test_eval_search_prints_the_three_modes(search_corpus, model_dir, tmp_path):
    # The command imports the collection into a throwaway SQLite store of its own whatever the
    # site's database is: one run, not one per backend.
    folder = write_beir(tmp_path / "collection", search_corpus, summaries=True)
    env = {
        "DAILYPAPERS_DATA_DIR": str(tmp_path / "site"),
        "DAILYPAPERS_SEARCH_MODEL_DIR": str(model_dir),
    }
    result = CliRunner().invoke(main, ["eval-search", str(folder), "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.output.splitlines():
        match = re.match(r"\W*(keyword|semantic|hybrid)\W+([\d.]+)\W+([\d.]+)", line)
        if match:
            rows[match[1]] = (float(match[2]), float(match[3]))
    assert set(rows) == {"keyword", "semantic", "hybrid"}
    # Sanity of the measure, not a tuned score: descriptions are what semantic search is for.
    assert rows["semantic"][0] > rows["keyword"][0] > 0.1
    assert rows["hybrid"][1] >= rows["keyword"][1]
    assert not (tmp_path / "site").exists()  # the site's store was never touched


def test_eval_search_explains_a_folder_that_is_not_a_collection(tmp_path):
    result = CliRunner().invoke(main, ["eval-search", str(tmp_path)])
    assert result.exit_code != 0 and "corpus.jsonl is missing" in result.output


def test_the_metrics_follow_their_definitions():
    grades = {"a": 2, "b": 1}
    assert evaluation.ndcg_at(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert evaluation.ndcg_at(["c", "a"], {"a": 1}) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert evaluation.recall_at(["x"] * 99 + ["a"], grades) == 0.5
    assert evaluation.recall_at(["x"] * 100 + ["a"], grades) == 0.0


def test_synthetic_ids_are_valid_and_distinct():
    from dailypapers import arxiv_ids

    made = [evaluation.synthetic_id(n) for n in (0, 1, 99_999, 100_000, 1_200_000, 5_000_000)]
    assert len(set(made)) == len(made)
    assert all(arxiv_ids.normalise(i) == i for i in made)

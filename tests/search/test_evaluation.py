"""`dailypapers eval-search` on BEIR-layout collections: one built at test time from the real
corpus (hand-written queries of tests/search/labelled_queries.tsv and the upstream's AI summaries
as paraphrased known-item queries), a tiny one whose TREC runs are read line by line, and
malformed ones; trec_eval's scoring on a run small enough to compute by hand."""

from __future__ import annotations

import json
import math
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


def write_beir(folder: Path, search_corpus: list[Path], *, summaries: int) -> Path:
    """A BEIR folder: corpus = the test corpus, queries = hand-written and the AI summaries of
    the first ``summaries`` papers that have one."""
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
                len(queries) < summaries
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
    # A few summaries beside the hand-written queries: each query runs in three modes at depth
    # 100, cards and highlights included, so every one costs.
    folder = write_beir(tmp_path / "collection", search_corpus, summaries=10)
    result = CliRunner().invoke(
        main, ["eval-search", str(folder), "--quiet"], env=env(tmp_path, model_dir)
    )
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.output.splitlines():
        match = re.match(r"\W*(keyword|semantic|hybrid)\W+([\d.]+)\W+([\d.]+)\W+([\d.]+)", line)
        if match:
            rows[match[1]] = (float(match[2]), float(match[3]), float(match[4]))
    assert set(rows) == {"keyword", "semantic", "hybrid"}
    # Sanity of the measure, not a tuned score: descriptions are what semantic search is for.
    assert rows["semantic"][0] > rows["keyword"][0] > 0.1
    assert rows["hybrid"][1] >= rows["keyword"][1]
    assert all(mrr > 0 for _, _, mrr in rows.values())
    assert not (tmp_path / "site").exists()  # the site's store was never touched


def env(tmp_path: Path, model_dir: Path) -> dict[str, str]:
    return {
        "DAILYPAPERS_DATA_DIR": str(tmp_path / "site"),
        "DAILYPAPERS_SEARCH_MODEL_DIR": str(model_dir),
    }


TINY = {
    "doc-cats": ("Why cats purr", "Domestic cats purr when content and when stressed."),
    "doc-radar": ("FMCW radar imaging", "Frequency modulated radar reconstructs scenes."),
    "doc-proofs": ("Olympiad inequalities", "Language models prove olympiad inequalities."),
    "doc-ships": ("Container ship routing", "Routing cargo ships around storms saves fuel."),
    "doc-bees": ("Honey bee navigation", "Bees navigate with the polarised light of the sky."),
}


def write_tiny(folder: Path, queries: list[dict], qrels: list[str]) -> Path:
    (folder / "qrels").mkdir(parents=True)
    corpus = [{"_id": i, "title": t, "text": x} for i, (t, x) in TINY.items()]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus))
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(qrels))
    return folder


def test_eval_search_writes_a_trec_run_per_mode_without_the_querys_own_paper(model_dir, tmp_path):
    queries = [
        {"_id": "purring", "text": "why do cats purr"},
        # A paper-facet query: the query is a paper, which must not be found for itself.
        {"_id": "like-radar", "text": "FMCW radar imaging", "metadata": {"paper_id": "doc-radar"}},
    ]
    qrels = ["purring\tdoc-cats\t1\n", "like-radar\tdoc-radar\t1\n", "like-radar\tdoc-ships\t1\n"]
    folder = write_tiny(tmp_path / "tiny", queries, qrels)
    runs = tmp_path / "runs"
    result = CliRunner().invoke(
        main,
        ["eval-search", str(folder), "--runs", str(runs), "--quiet"],
        env=env(tmp_path, model_dir),
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in runs.iterdir()) == [
        "hybrid.trec",
        "keyword.trec",
        "semantic.trec",
    ]
    for mode in ("keyword", "semantic", "hybrid"):
        by_query: dict[str, list[list[str]]] = {}
        for line in (runs / f"{mode}.trec").read_text().splitlines():
            fields = line.split(" ")
            assert len(fields) == 6 and fields[1] == "Q0" and fields[5] == f"dailypapers-{mode}"
            by_query.setdefault(fields[0], []).append(fields)
        assert by_query["purring"][0][2] == "doc-cats"  # ids as in the collection
        for rows in by_query.values():
            assert [int(r[3]) for r in rows] == list(range(1, len(rows) + 1))
            scores = [float(r[4]) for r in rows]
            assert all(a > b for a, b in zip(scores, scores[1:], strict=False))
            assert {r[2] for r in rows} <= set(TINY)
        assert "doc-radar" not in {r[2] for r in by_query.get("like-radar", [])}
    semantic = evaluation.read_run(runs / "semantic.trec")
    assert set(semantic["like-radar"]) == set(TINY) - {"doc-radar"}


def test_trec_eval_scores_a_run_computed_by_hand():
    qrels = {"graded": {"a": 2, "b": 1}, "empty": {"c": 1}, "absent": {"d": 1}}
    run = {"graded": ["c", "a", "b"], "empty": []}
    scores = evaluation.score(qrels, run)
    # Linear gain, log2(rank + 1) discount: c (0), a (2 at rank 2), b (1 at rank 3).
    graded = (2 / math.log2(3) + 1 / math.log2(4)) / (2 + 1 / math.log2(3))
    assert scores.per_query["graded"]["ndcg_cut_10"] == pytest.approx(graded)
    # Queries the run leaves empty or lacks count as zeros (trec_eval -c), never left out.
    assert scores.ndcg_at_10 == pytest.approx(graded / 3)
    assert scores.recall_at_100 == pytest.approx(1 / 3)
    assert scores.mrr == pytest.approx(0.5 / 3)
    deep = {"graded": [f"n{i}" for i in range(100)] + ["a", "b"]}
    assert evaluation.score({"graded": qrels["graded"]}, deep).recall_at_100 == 0.0


def test_a_run_file_reads_back_in_the_order_trec_eval_ranks_it(tmp_path):
    run = {"q1": ["b", "a", "c"], "q2": ["z"]}
    path = evaluation.write_run(tmp_path / "run.trec", run, tag="t")
    assert evaluation.read_run(path) == run
    # trec_eval ignores the rank column: equal scores go by docno, descending.
    (tmp_path / "ties.trec").write_text("q Q0 a 1 5 t\nq Q0 c 2 5 t\nq Q0 b 3 7 t\n")
    assert evaluation.read_run(tmp_path / "ties.trec") == {"q": ["b", "c", "a"]}


def test_eval_search_explains_a_folder_that_is_not_a_collection(tmp_path):
    result = CliRunner().invoke(main, ["eval-search", str(tmp_path)])
    assert result.exit_code != 0 and "corpus.jsonl is missing" in result.output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda f: f.joinpath("corpus.jsonl").write_text('{"_id": "a"}\n{oops\n'),
            "corpus.jsonl line 2",
        ),
        (lambda f: f.joinpath("queries.jsonl").write_text('{"text": "no id"}\n'), "with an _id"),
        (lambda f: f.joinpath("corpus.jsonl").write_text('{"_id": "two words"}\n'), "spaces"),
        (
            lambda f: f.joinpath("qrels", "test.tsv").write_text("q\tdoc-cats\thigh\n"),
            "'high' is no score",
        ),
        (
            lambda f: f.joinpath("qrels", "test.tsv").write_text("q\tnowhere\t1\n"),
            "judges no document",
        ),
    ],
)
def test_eval_search_rejects_a_malformed_collection(tmp_path, damage, message):
    folder = write_tiny(tmp_path / "bad", [{"_id": "q", "text": "cats"}], ["q\tdoc-cats\t1\n"])
    damage(folder)
    result = CliRunner().invoke(main, ["eval-search", str(folder), "--quiet"])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_eval_search_names_an_unknown_mode(tmp_path):
    folder = write_tiny(tmp_path / "tiny", [{"_id": "q", "text": "cats"}], ["q\tdoc-cats\t1\n"])
    result = CliRunner().invoke(main, ["eval-search", str(folder), "--modes", "keyword,fuzzy"])
    assert result.exit_code != 0 and "fuzzy" in result.output


def test_synthetic_ids_are_valid_and_distinct():
    from dailypapers import arxiv_ids

    made = [evaluation.synthetic_id(n) for n in (0, 1, 99_999, 100_000, 1_200_000, 5_000_000)]
    assert len(set(made)) == len(made)
    assert all(arxiv_ids.normalise(i) == i for i in made)

"""Embeddings computed elsewhere: `dailypapers index --export-texts` writes what to embed,
`dailypapers index --import-vectors` stores the vectors a lab computed, line by line."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.search import embedder, indexing, service, vector_files
from dailypapers.store import papers as paper_store
from tests.support import data

pytestmark = [pytest.mark.store("search"), pytest.mark.usefixtures("vector_snapshot")]

CORPUS_PAPERS = 109  # tests.support.corpora: 49 feed papers and 60 listed ones


def _run(settings, *args: str):
    env = {
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SEARCH_MODEL_DIR": str(settings.resolved_search_model_dir),
    }
    return CliRunner().invoke(main, ["index", "--quiet", *args], env=env)


def _semantic(db, settings, query: str) -> list[str]:
    return [item.arxiv_id for item in service.search(db, settings, query, mode="semantic").items]


def _vector_line(arxiv_id: str, vector, **extra) -> str:
    return json.dumps({"id": arxiv_id, "vector": [float(v) for v in vector], **extra})


def test_it_imports_vectors_computed_elsewhere_and_searches_with_them(
    db, search_settings, onnx, tmp_path
):
    data.store(
        db,
        data.paper(
            "2507.00001",
            "Octopus arms as distributed controllers for soft robots",
            abstract="We model each tentacle of an octopus as an independent neural controller.",
        ),
    )
    texts = tmp_path / "texts.jsonl"
    exported = _run(search_settings, "--export-texts", str(texts))
    assert exported.exit_code == 0, exported.output
    (line,) = [json.loads(row) for row in texts.read_text().splitlines()]  # only the new paper
    assert line["id"] == "2507.00001" and line["model"] == embedder.MODEL_NAME
    # The lab's GPU: a vector of twice the unit length (the import normalises it), a broken
    # line, and an id this site never stored.
    vector = onnx.embed_texts([line["text"]])[0] * 2
    vectors = tmp_path / "vectors.jsonl"
    vectors.write_text(
        "\n".join(
            [_vector_line("2507.00001", vector), "{broken", _vector_line("2507.99999", vector)]
        )
    )
    imported = _run(search_settings, "--import-vectors", str(vectors))
    assert imported.exit_code == 0, imported.output
    assert "line 2: not JSON" in imported.output and "2507.99999" in imported.output
    assert "imported 1 vectors, rejected 1 lines" in imported.output
    assert indexing.pending_count(db) == 0
    with db.read() as conn:
        paper_id = paper_store.get(conn, "2507.00001")["id"]
    _, stored = indexing.embeddings_for(db, [paper_id])
    assert np.linalg.norm(stored[0]) == pytest.approx(1.0, abs=1e-3)
    found = _semantic(db, search_settings, "cephalopod limbs controlling squishy grippers")
    assert found[0] == "2507.00001"


def test_it_rejects_vectors_of_the_wrong_dimension(db, search_settings):
    good = np.ones(embedder.DIMENSIONS)
    lines = [
        _vector_line("2506.08007", np.ones(embedder.DIMENSIONS - 1)),
        _vector_line("2506.08007", good, model="text-embedding-3-small"),
        _vector_line("2506.08007", [float("nan")] + [1.0] * (embedder.DIMENSIONS - 1)),
        _vector_line("2506.08007", np.zeros(embedder.DIMENSIONS)),
        json.dumps({"id": "2506.08007", "vector": ["1"] * embedder.DIMENSIONS}),
        json.dumps({"vector": [1.0] * embedder.DIMENSIONS}),
        "",
        _vector_line("2506.08007", good, model=embedder.MODEL_NAME),
    ]
    report = vector_files.import_vectors(db, search_settings, lines)
    assert report.imported == 1 and report.rejected == 6 and report.unknown == 0
    assert [r.split(":")[0] for r in report.rejections] == [f"line {n}" for n in range(1, 7)]
    assert f"{embedder.DIMENSIONS - 1} dimensions" in report.rejections[0]
    assert "text-embedding-3-small" in report.rejections[1]
    assert "not finite" in report.rejections[2] and "zero" in report.rejections[3]


def test_texts_exported_embedded_and_imported_search_as_the_index_command_did(
    db, search_settings, onnx
):
    data.store(
        db,
        *(
            data.paper(
                f"2507.{n:05d}", f"Insects, part {n}", abstract=f"Insect {n} hums {n} notes."
            )
            for n in range(101, 113)
        ),
    )
    assert indexing.embed_pending(db, search_settings) == 12  # as `dailypapers index` does
    indexing.write_snapshot(db, search_settings)
    query = "insects humming tunes"
    before = _semantic(db, search_settings, query)
    with db.read() as conn:
        ids = [paper_store.get(conn, f"2507.{n:05d}")["id"] for n in range(101, 113)]
    _, reference = indexing.embeddings_for(db, ids)
    texts = io.StringIO()
    assert vector_files.export_texts(db, texts, everything=True) == CORPUS_PAPERS + 12
    lines = [json.loads(row) for row in texts.getvalue().splitlines()]
    lines = [line for line in lines if line["id"].startswith("2507.")]
    vectors = onnx.embed_texts([line["text"] for line in lines])  # the lab, with the same model
    report = vector_files.import_vectors(
        db,
        search_settings,
        [_vector_line(line["id"], vector) for line, vector in zip(lines, vectors, strict=True)],
    )
    assert (report.imported, report.rejected, report.unknown) == (12, 0, 0)
    indexing.write_snapshot(db, search_settings)
    _, imported = indexing.embeddings_for(db, ids)
    assert np.allclose(imported, reference, atol=1e-3)  # float16 either way
    assert _semantic(db, search_settings, query) == before

"""The settings registry: every setting documented, read from the environment, few enough."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from dailypapers import config

README = Path(__file__).resolve().parents[1] / "README.md"
# Settings an operator decides; tuning constants live beside their code instead.
MOST_SETTINGS = 35


def _table_names() -> list[str]:
    table = README.read_text().split("<!-- settings-table", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `(DAILYPAPERS_[A-Z0-9_]+)` \|", table, re.M)


def test_it_documents_every_setting_in_the_readme_and_nothing_else():
    assert sorted(_table_names()) == sorted(config.env_names())


def test_the_readme_names_no_variable_that_is_not_read():
    # Besides the settings, the test suite's own variables (documented in README's test notes).
    suite = {
        "DAILYPAPERS_TEST_BACKENDS",
        "DAILYPAPERS_TEST_POSTGRESQL_URL",
        "DAILYPAPERS_SHARED_DIR",
        "DAILYPAPERS_FUZZ_EXAMPLES",
        "DAILYPAPERS_CRASH_KILLS",
        "DAILYPAPERS_CRASH_SEED",
    }
    named = set(re.findall(r"DAILYPAPERS_[A-Z0-9_]+", README.read_text()))
    assert named - set(config.env_names()) - suite == set()


def test_it_describes_every_setting_in_the_registry():
    undocumented = [n for n, f in config.Settings.model_fields.items() if not f.description]
    assert undocumented == []


def test_it_keeps_to_the_settings_an_operator_sets():
    assert len(config.Settings.model_fields) <= MOST_SETTINGS


def test_it_reads_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DAILYPAPERS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAILYPAPERS_OAI_PMH_SETS", "cs, stat")
    monkeypatch.setenv("DAILYPAPERS_JOBS", "harvest,digest")
    monkeypatch.setenv("DAILYPAPERS_CACHE_SECONDS", "0.5")
    settings = config.load()
    assert settings.oai_pmh_sets == ["cs", "stat"]
    assert settings.jobs == ["harvest", "digest"]
    assert settings.cache_seconds == 0.5
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'dailypapers.sqlite3'}"


def test_it_keeps_a_generated_secret_key_across_restarts_readable_by_its_owner_only(tmp_path):
    first = config.Settings(data_dir=tmp_path).resolved_secret_key
    again = config.Settings(data_dir=tmp_path).resolved_secret_key
    assert len(first) >= 32 and first == again
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600

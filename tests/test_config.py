from pathlib import Path

from dailypapers import config

README = Path(__file__).resolve().parents[1] / "README.md"


def test_it_documents_every_setting_in_the_readme():
    readme = README.read_text()
    missing = [name for name in config.env_names() if f"`{name}`" not in readme]
    assert missing == [], f"settings missing from README's settings table: {missing}"


def test_it_describes_every_setting_in_the_registry():
    undocumented = [n for n, f in config.Settings.model_fields.items() if not f.description]
    assert undocumented == []


def test_it_reads_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DAILYPAPERS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAILYPAPERS_OAI_PMH_SETS", "cs, stat")
    monkeypatch.setenv("DAILYPAPERS_ARXIV_API_DELAY", "0.5")
    settings = config.load()
    assert settings.oai_pmh_sets == ["cs", "stat"]
    assert settings.arxiv_api_delay == 0.5
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'dailypapers.sqlite3'}"


def test_it_keeps_a_generated_secret_key_across_restarts(tmp_path):
    first = config.Settings(data_dir=tmp_path).resolved_secret_key
    again = config.Settings(data_dir=tmp_path).resolved_secret_key
    assert len(first) >= 32 and first == again

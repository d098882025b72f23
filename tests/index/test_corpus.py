from pathlib import Path

import pytest

from index.corpus import CorpusError, load_articles, load_sources, seed_paths
from index.settings import ROOT

SHARED = ROOT.parent / "shared" / "seeds"


def test_every_seed_has_metadata_with_an_outlet():
    sources = load_sources()
    for p in seed_paths():
        assert p.stem in sources, f"{p.name} has no entry in seeds/sources.toml"
        assert sources[p.stem].outlet


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/seeds not present")
def test_seeds_are_byte_identical_to_shared():
    for p in SHARED.glob("*.txt"):
        assert (ROOT / "seeds" / p.name).read_bytes() == p.read_bytes(), p.name


def test_article_text_is_the_file_unmodified():
    for a in load_articles():
        assert a.text == (ROOT / "seeds" / f"{a.doc_id}.txt").read_bytes().decode("utf-8")


def test_missing_or_empty_seed_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="not found"):
        load_articles(tmp_path / "nope")
    with pytest.raises(CorpusError, match=r"no \*\.txt"):
        load_articles(tmp_path)


def test_new_article_without_metadata_still_loads(tmp_seeds: Path):
    (tmp_seeds / "005_new.txt").write_text("A new article about Masanchi.", encoding="utf-8")
    arts = load_articles(tmp_seeds)
    assert len(arts) == 6 and arts[-1].source.outlet == "005_new"


def test_non_utf8_seed_is_reported(tmp_seeds: Path):
    (tmp_seeds / "009_bad.txt").write_bytes(b"\xff\xfe bad")
    with pytest.raises(CorpusError, match="not UTF-8"):
        load_articles(tmp_seeds)

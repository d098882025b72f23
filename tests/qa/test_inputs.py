import pytest

from qa.inputs import check_question


@pytest.mark.parametrize("q", ["", "   ", "\n\t", "\x00\x01"])
def test_empty_or_blank_is_rejected(q):
    assert check_question(q).problem


def test_over_long_is_rejected_with_its_length():
    c = check_question("why " * 400, max_chars=1000)
    assert "1,600" in c.problem and not c.text


def test_markup_and_script_are_removed():
    c = check_question("<script>alert('x')</script>How many <b>died</b>?")
    assert c.text == "How many died ?" and not c.problem
    assert "script" not in c.text and "alert" not in c.text


def test_only_markup_gets_its_own_message():
    assert "markup" in check_question("<script>alert(1)</script>").problem


def test_markdown_links_keep_only_their_words():
    assert check_question("Who is [Daurov](http://evil.example)?").text == "Who is Daurov?"


def test_control_and_bidi_characters_are_dropped():
    assert check_question("How\u202e many\x07 died?").text == "How many died?"


def test_non_text_and_punctuation_only():
    assert check_question(None).problem  # type: ignore[arg-type]
    assert check_question("?!?! 123").problem

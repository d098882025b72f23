from qa.points import figures, normal_value, question_points


def _fig(sentence, context=""):
    return [(f.point, f.text, f.normal) for f in figures(sentence, context)]


def test_numbers_attach_to_the_nearest_cue():
    assert _fig("Officials said 12 people were killed and 90 injured.") == [
        ("deaths", "12", "12"), ("injured", "90", "90")]


def test_cue_before_a_number_needs_a_joining_word():
    assert _fig("It ended in the deaths of 7 people.") == [("deaths", "7", "7")]
    assert _fig("Police detained 5 men and seized three rifles.") == []


def test_qualifiers_are_kept_verbatim_and_words_normalised():
    assert _fig("More than 2,500 people fled the town.") == [
        ("refugees", "More than 2,500", "2500")]
    assert _fig("Four thousand residents crossed the border overnight.") == [
        ("refugees", "Four thousand", "4000")]


def test_other_years_are_not_this_event():
    assert _fig("Over 40 were killed.", context="In 2006 a fight broke out.") == []
    assert _fig("In 2006, 40 were killed.") == []


def test_distance_needs_a_unit_and_both_places():
    assert _fig("Sortobe lies 9 km from Masanchi.") == [("distance", "9 km", "9")]
    assert _fig("Sortobe lies 9 km from the border.") == []


def test_dates():
    assert normal_value("7 February") == "February 7" == normal_value("February 7")
    assert _fig("The trouble started on March 3.") == [("start_date", "March 3", "March 3")]


def test_question_points():
    assert [p.id for p in question_points("How many people were killed?")] == ["deaths"]
    assert [p.id for p in question_points("Сколько человек погибло?")] == ["deaths"]
    assert "trigger" in [p.id for p in question_points("What sparked the riot?")]
    assert question_points("Where do the Dungans live?") == []
    assert question_points("Who was killed first?") == []  # no quantity asked

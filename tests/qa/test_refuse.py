from qa.refuse import asks_for_quantity, refusal_reason, states_a_number


def test_unknown_name_is_refused_first():
    assert "“Nazarbayev”" in refusal_reason(0.9, 0.4, ["Nazarbayev"])


def test_weak_evidence_is_refused_and_strong_is_not():
    assert refusal_reason(0.30, 0.44, []).startswith("No passage is close enough")
    assert refusal_reason(0.50, 0.44, []) == ""


def test_a_number_question_needs_a_number_in_the_quotes():
    reason = refusal_reason(0.6, 0.44, [], True, ["National Guard units were mobilized."])
    assert "number" in reason
    assert refusal_reason(0.6, 0.44, [], True, ["It received nine seats."]) == ""
    assert refusal_reason(0.6, 0.44, [], False, ["No figure here."]) == ""


def test_dates_and_years_are_not_counts():
    assert not states_a_number("On February 7–8, the district rioted.")
    assert not states_a_number("In 2007, it received the status.")
    assert states_a_number("About 4,000 people fled.")
    assert states_a_number("He called about ten times.")


def test_quantity_questions():
    assert asks_for_quantity("How many people died?")
    assert asks_for_quantity("Сколько человек погибло?")
    assert not asks_for_quantity("Who is Daurov?")

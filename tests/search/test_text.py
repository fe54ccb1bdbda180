from search.text import bigram_vector, parse_query, plain_text, run_tsquery


def test_plain_text_drops_markup_and_decodes_entities():
    assert plain_text("<p>Wages &amp; <strong>hours</strong></p><p>next</p>") == (
        "Wages & hours next"
    )


def test_a_japanese_sentence_is_indexed_as_overlapping_pairs_and_its_last_character():
    vector = bigram_vector("", "最低賃金")
    assert vector == "'最低':1 '低賃':2 '賃金':3 '金':4"


def test_title_pairs_carry_weight_a():
    assert bigram_vector("賃金", "") == "'賃金':1A '金':2A"


def test_latin_words_inside_a_japanese_text_are_left_to_the_word_index():
    query = parse_query("ILO 賃金 review")
    assert query.runs == ("賃金",)
    assert query.words == "ILO review"


def test_a_query_run_becomes_adjacent_pairs_in_order():
    assert run_tsquery("最低賃金") == "('最低' <-> '低賃' <-> '賃金')"
    assert run_tsquery("金") == "('金':* | '金')"


def test_lao_vowel_signs_stay_inside_the_run():
    query = parse_query("ຄ່າແຮງງານ")
    assert query.runs == ("ຄ່າແຮງງານ",)
    assert not query.words


def test_negated_words_are_excluded_not_searched():
    query = parse_query('wage -overtime "collective bargaining"')
    assert "overtime" not in query.terms
    assert query.excluded == ["overtime"]


def test_headline_sentinels_become_marks_and_everything_else_is_escaped():
    from search.highlight import START, STOP, from_headline

    html = from_headline(f"a <b>&{START}wage{STOP} 賃金", ["賃金"])
    assert html == "a &lt;b&gt;&amp;<mark>wage</mark> <mark>賃金</mark>"


def test_a_window_snippet_marks_case_insensitively_and_escapes():
    from search.highlight import window_snippet

    text = "x " * 100 + "The <Wage> board"
    html = window_snippet(text, ["wage"])
    assert html.startswith("… ")
    assert "&lt;<mark>Wage</mark>&gt;" in html

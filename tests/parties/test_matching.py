"""Matching: literal scores of a party's name against a list name, and the index that finds the list names a
party matches without comparing it with every one."""
from dataclasses import replace

import pytest

from parties.matching import ListedName, ScreeningIndex, name_forms, name_score
from parties.policy import MATCHING_POLICY

LISTED = "Shenzhen Longgang Precision Computing Co., Ltd."


def best_score(party: str, listed: str = LISTED) -> float:
    return max(name_score(query, form) for query in name_forms(party) for form in name_forms(listed))


SCORES = [
    # The same company in characters, with or without 市 and legal form, and its homophones.
    ("深圳龙岗精密计算有限公司", 100.0),
    ("深圳市龙岗精密计算股份有限公司", 100.0),
    ("深圳龙岗精密计算", 100.0),
    ("深圳龙港精密计算有限公司", 100.0),
    # Romanised with spacing, a typo, industry words in pinyin.
    ("Shenzhen Long Gang Precision Computing", 100.0),
    ("Shenzhen Longang Precision Computing Co", 94.7),
    ("Shenzhen Longgang Jingmi Jisuan", 100.0),
    # The trade name alone; in another city with the same industry: still a hit.
    ("龙岗", 90.0),
    ("北京龙岗精密计算有限公司", 90.0),
    # The trade name in another city and another industry: below the threshold.
    ("上海龙岗电子有限公司", 80.0),
    # Sharing only the city and the industry words: far below.
    ("深圳华芯精密计算有限公司", 42.9),
    ("深圳精密计算有限公司", 42.9),
    ("Shenzhen Technology Co., Ltd.", 0.0),
]


@pytest.mark.parametrize(("party", "expected"), SCORES, ids=[party for party, _ in SCORES])
def test_a_partys_name_scores_literally_against_the_list_name(party, expected):
    assert best_score(party) == expected


def test_the_threshold_separates_the_examples():
    assert MATCHING_POLICY.threshold == 88.0
    assert best_score("北京龙岗精密计算有限公司") >= MATCHING_POLICY.threshold > best_score("上海龙岗电子有限公司")


def test_names_of_places_and_industry_words_only_compare_whole_in_any_order():
    assert best_score("北京先进计算技术研究所", "Beijing Institute of Advanced Computing Technology") == 91.3


def test_identical_readings_score_100_whatever_they_say():
    assert best_score("SLPC", "S.L.P.C. Limited") == 100.0


def test_an_alias_without_place_or_industry_neither_confirms_nor_weakens():
    assert best_score("SLPC", "Shenzhen SLPC") == 90.0
    assert best_score("Yuanding Technology", "Yunding Group") == 84.7


def listed_names(*names: str) -> list[ListedName]:
    return [ListedName(number, name, False, name_forms(name)) for number, name in enumerate(names, start=1)]


def test_the_index_reports_each_entry_once_with_its_best_name_or_alias():
    index = ScreeningIndex([
        ListedName(1, LISTED, False, name_forms(LISTED)),
        ListedName(1, "Longgang Precision Computing", True, name_forms("Longgang Precision Computing")),
        ListedName(2, "Hangzhou Lanxin Semiconductor Co., Ltd.", False,
                   name_forms("Hangzhou Lanxin Semiconductor Co., Ltd.")),
    ], [])
    matches = index.match_name("北京龙岗精密计算有限公司")
    assert [(match.listed.entry_id, match.listed.name, match.score) for match in matches] == [
        (1, "Longgang Precision Computing", 95.0),
    ]
    assert index.match_name("深圳华芯精密计算有限公司") == []


def test_the_index_prefers_the_name_to_an_alias_of_the_same_score():
    index = ScreeningIndex([
        ListedName(1, "Longgang Precision Computing", True, name_forms("Longgang Precision Computing")),
        ListedName(1, LISTED, False, name_forms(LISTED)),
    ], [])
    assert index.match_name("深圳龙岗精密计算有限公司")[0].listed.alias is False


def test_the_index_finds_exactly_what_comparing_with_every_name_finds():
    """The pre-filter's cut-off comes from the score's formula, so it drops no hit: checked against a brute-force
    comparison at a low threshold, where near misses would show."""
    policy = replace(MATCHING_POLICY, version="test-low-threshold", threshold=60.0)
    names = [
        LISTED, "Shenzhen Longguang Precision Computing", "Shenzhen Huaxin Precision Computing", "Longgang Cloud",
        "Beijing Longgang Technology", "China Electronics Technology Group", "Hangzhou Lanxin Semiconductor",
        "Lanxing Semiconductor", "SLPC", "Beijing Institute of Advanced Computing Technology",
    ]
    listed = [ListedName(number, name, False, name_forms(name, policy)) for number, name in enumerate(names, 1)]
    index = ScreeningIndex(listed, [], policy)
    for party in ("深圳龙岗精密计算有限公司", "上海龙光电子", "中国电子科技集团公司", "杭州澜星半导体", "SLP",
                  "北京先进计算研究所", "Long Gang"):
        brute = {}
        for entry in listed:
            score = max(name_score(query, form, policy) for query in name_forms(party, policy) for form in entry.forms)
            if score >= policy.threshold:
                brute[entry.entry_id] = score
        assert {match.listed.entry_id: match.score for match in index.match_name(party)} == brute, party


def test_an_identifier_matches_exactly_whatever_its_spacing_and_case():
    index = ScreeningIndex([], [(1, "91440300MA5FLG7Q06"), (2, "3141592"), (3, "3141592")])
    assert index.match_identifier(" 91440300-ma5flg7q06") == [(1, "91440300MA5FLG7Q06")]
    assert index.match_identifier("3141592") == [(2, "3141592"), (3, "3141592")]
    assert index.match_identifier("91440300MA5FLG7Q0") == []
    assert index.match_identifier("  ") == []

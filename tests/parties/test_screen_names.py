"""screen_names: a request's parties screened against every loaded entry, by name, alias and identifier."""
import pytest

from parties.models import ScreeningListEntry
from parties.services import SAMPLE_LIST_PATH, Hit, screen_names, screening_list_load

pytestmark = pytest.mark.django_db

LONGGANG = "Shenzhen Longgang Precision Computing Co., Ltd."


@pytest.fixture
def sample_list():
    screening_list_load(path=SAMPLE_LIST_PATH, source="sample")
    return {entry.name: entry.id for entry in ScreeningListEntry.objects.all()}


def test_a_party_written_in_chinese_hits_its_romanised_entry_and_an_unrelated_one_does_not(sample_list):
    hits = screen_names([("end_user", "深圳龙岗精密计算有限公司"), ("consignee", "深圳华芯精密计算有限公司")])
    assert hits == [Hit("end_user", "深圳龙岗精密计算有限公司", sample_list[LONGGANG], 100.0, "name", LONGGANG)]


def test_a_hit_on_an_alias_says_so(sample_list):
    hits = screen_names([("end_user", "Star Balance Intelligent Technology Ltd")])
    assert hits == [Hit("end_user", "Star Balance Intelligent Technology Ltd",
                        sample_list["Beijing Xingheng Intelligent Technology Co., Ltd."], 100.0, "alias",
                        "Star Balance Intelligent Technology")]


def test_an_alias_in_chinese_characters_is_matched(sample_list):
    [hit] = screen_names([("consignee", "珠海明镜半导体股份有限公司")])
    assert (hit.entry_id, hit.score) == (sample_list["Zhuhai Mingjing Semiconductor Co., Ltd."], 100.0)


def test_an_identifier_hits_exactly_whatever_its_spacing_and_case(sample_list):
    hits = screen_names([], ids=["91440300 ma5flg7q06", "91440300MA5FLG7Q07"])
    assert hits == [Hit("identifier", "91440300 ma5flg7q06", sample_list[LONGGANG], 100.0, "identifier",
                        "91440300MA5FLG7Q06")]


def test_every_party_is_screened_and_hits_keep_their_kind(sample_list):
    hits = screen_names([("end_user", "龙岗精密计算"), ("consignee", "Hangzhou Lan Xin Semiconductors"),
                         ("company", "深圳市晨光电子有限公司"), ("end_user", "")])
    assert [(hit.kind, hit.entry_id) for hit in hits] == [
        ("end_user", sample_list[LONGGANG]), ("consignee", sample_list["Hangzhou Lanxin Semiconductor Co., Ltd."]),
    ]


def test_with_no_list_loaded_nothing_hits():
    assert screen_names([("end_user", "深圳龙岗精密计算有限公司")], ids=["91440300MA5FLG7Q06"]) == []


def test_a_reload_is_seen_by_the_next_screening(sample_list, tmp_path):
    assert screen_names([("end_user", "深圳龙岗精密计算有限公司")])
    path = tmp_path / "list.csv"
    path.write_text("name\nHangzhou Lanxin Semiconductor Co. Ltd.\n", encoding="utf-8")
    screening_list_load(path=path, source="sample")
    assert screen_names([("end_user", "深圳龙岗精密计算有限公司")]) == []
    assert len(screen_names([("end_user", "杭州澜芯半导体有限公司")])) == 1


def test_a_screening_asks_the_database_one_question_once_the_index_is_built(sample_list, django_assert_num_queries):
    screen_names([("end_user", "深圳龙岗精密计算有限公司")])
    with django_assert_num_queries(1):
        hits = screen_names([("end_user", "深圳龙岗精密计算有限公司"), ("consignee", "杭州澜芯半导体")],
                            ids=["91440300MA5FLG7Q06"])
    assert len(hits) == 3


def test_entries_normalised_under_another_policy_are_read_again_with_the_current_one(sample_list):
    ScreeningListEntry.objects.update(matching_policy_version="party-matching-old", match_forms={})
    [hit] = screen_names([("end_user", "深圳龙岗精密计算有限公司")])
    assert hit.entry_id == sample_list[LONGGANG]

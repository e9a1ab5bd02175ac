"""Normalisation: literal names in, the words the matcher compares out (with their roles)."""
import pytest

from parties.matching import name_forms, normalize, normalize_identifier

NORMALISED = [
    # A Chinese company name: place, trade name (pinyin, one word), industry words (translated), no legal form.
    ("深圳龙岗精密计算有限公司", "shenzhen longgang precision computing"),
    ("Shenzhen Longgang Precision Computing Co., Ltd.", "shenzhen longgang precision computing"),
    ("深圳市龙岗精密计算股份有限公司", "shenzhen longgang precision computing"),
    ("龙岗精密计算（深圳）有限公司", "longgang precision computing shenzhen"),  # noqa: RUF001
    ("龙岗精密计算有限公司深圳分公司", "longgang precision computing shenzhen"),
    ("云鼎控股集团有限公司", "yunding holding"),
    ("华为技术有限公司", "huawei technology"),
    # A trade name of one character takes the industry word after it.
    ("华云科技", "huayun technology"),
    # Characters read in context (重庆 chong qing, 长安 chang an), ü as lists write it.
    ("重庆长安", "chongqing changan"),
    ("吕梁", "luliang"),
    # Romanised: case, punctuation, legal forms, spelling variants, places written in syllables.
    ("SHENZHEN LONG-GANG PRECISION COMPUTING CO.,LTD", "shenzhen long gang precision computing"),
    ("Xi'an Lingfeng Microelectronics", "xian lingfeng microelectronics"),
    ("Hong Kong Brightpeak Trading Limited", "hongkong brightpeak trading"),
    ("Everstone Logistics (HK) Co., Limited", "everstone logistics hongkong"),
    ("Shen Zhen Hi-Tech Co", "shenzhen high technology"),
    ("Chengdu Tianshu Super-computing Centre", "chengdu tianshu supercomputing center"),
    ("Beijing Institute of Advanced Computing Technology", "beijing institute advanced computing technology"),
    ("Al-Noor Advanced Electronics FZE", "al noor advanced electronics"),
    # Industry words and legal forms that lists write in pinyin.
    ("Shenzhen Longgang Keji Youxian Gongsi", "shenzhen longgang technology"),
    # Unicode: full-width forms (NFKC), other scripts to ASCII.
    ("ＳＨＥＮＺＨＥＮ　ＬＯＮＧＧＡＮＧ", "shenzhen longgang"),  # noqa: RUF001
    ("Москва Трейдинг ООО", "moskva treiding"),  # noqa: RUF001
    ("São Paulo Tecnologia Ltda.", "sao paulo tecnologia"),
    # Nothing but a legal form.
    ("Co., Ltd.", ""),
    ("有限公司", ""),
]


@pytest.mark.parametrize(("name", "expected"), NORMALISED, ids=[name for name, _ in NORMALISED])
def test_a_name_normalises_to_literal_words(name, expected):
    assert normalize(name) == expected


def test_pinyin_syllables_join_per_word_as_lists_romanise_them():
    form = name_forms("深圳龙岗精密计算有限公司")[0]
    assert form.tokens == ("shenzhen", "longgang", "precision", "computing")
    assert "long" not in form.tokens and "gang" not in form.tokens


def test_each_word_has_a_role_and_the_distinctive_words_make_the_key():
    form = name_forms("深圳龙岗精密计算有限公司")[0]
    assert (form.roles, form.key, form.places, form.generic) == (
        "pdgg", "longgang", {"shenzhen"}, {"precision", "computing"}
    )


def test_a_trade_name_split_in_syllables_has_the_same_key_as_the_joined_one():
    assert name_forms("Shenzhen Long Gang Precision Computing")[0].key == "longgang"


def test_a_name_made_only_of_industry_words_is_read_both_translated_and_in_pinyin():
    assert [(form.text, form.roles) for form in name_forms("中国电子科技集团公司")] == [
        ("china electronics technology", "pgg"), ("china dianzi technology", "pdg"),
    ]


def test_a_stored_reading_is_read_back_as_it_was():
    form = name_forms("深圳龙岗精密计算有限公司")[0]
    assert type(form).from_stored(form.stored()) == form


@pytest.mark.parametrize(("identifier", "expected"), [
    ("91440300MA5FLG7Q06", "91440300MA5FLG7Q06"),
    (" 9144 0300-ma5f.lg7q06 ", "91440300MA5FLG7Q06"),
    ("９１４４０３００ＭＡ５ＦＬＧ７Ｑ０６", "91440300MA5FLG7Q06"),  # noqa: RUF001
    ("FZE-48213", "FZE48213"),
    (" - ", ""),
])
def test_an_identifier_normalises_without_case_spaces_or_dashes(identifier, expected):
    assert normalize_identifier(identifier) == expected

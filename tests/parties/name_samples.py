"""Names for evaluating the matcher: the sample list's entries written as filings write them (true positives), and
real-looking Chinese company names that are on no list (generated, seeded, so every run sees the same names).
Shared by ``test_evaluation.py`` and ``bench/party_matching.py``."""
import random
from dataclasses import dataclass

from parties.matching import ListedName, NameForm, ScreeningIndex
from parties.policy import MATCHING_POLICY, MatchingPolicy
from parties.services import SAMPLE_LIST_PATH, parse_screening_list

# The sample list's Chinese companies as (place, trade name, industry words, the list's name).
LISTED_COMPANIES = (
    ("深圳", "龙岗", "精密计算", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("杭州", "澜芯", "半导体", "Hangzhou Lanxin Semiconductor Co., Ltd."),
    ("北京", "星衡", "智能科技", "Beijing Xingheng Intelligent Technology Co., Ltd."),
    ("上海", "昊算", "数据科技", "Shanghai Haosuan Data Technology Co., Ltd."),
    ("成都", "天枢", "超算中心", "Chengdu Tianshu Supercomputing Center"),
    ("武汉", "磐拓", "电子", "Wuhan Pantuo Electronics Co., Ltd."),
    ("西安", "凌峰", "微电子", "Xi'an Lingfeng Microelectronics Co., Ltd."),
    ("合肥", "钧鼎", "信息技术", "Hefei Junding Information Technology Co., Ltd."),
    ("南京", "曜辰", "网络科技", "Nanjing Yaochen Network Technology Co., Ltd."),
    ("广州", "翼瞰", "云计算", "Guangzhou Yikan Cloud Computing Co., Ltd."),
    ("天津", "启衡", "精密仪器", "Tianjin Qiheng Precision Instrument Co., Ltd."),
    ("苏州", "赛驰", "集成电路设计", "Suzhou Saichi Integrated Circuit Design Co., Ltd."),
    ("长沙", "锐算", "智能装备", "Changsha Ruisuan Intelligent Equipment Co., Ltd."),
    ("大连", "北辰", "光电", "Dalian Beichen Optoelectronics Co., Ltd."),
    ("厦门", "融芯", "科技", "Xiamen Rongxin Technology Co., Ltd."),
    ("深圳", "迅擎", "通信技术", "Shenzhen Xunqing Communication Technology Co., Ltd."),
    ("青岛", "海睿", "数据", "Qingdao Hairui Data Co., Ltd."),
    ("珠海", "明镜", "半导体", "Zhuhai Mingjing Semiconductor Co., Ltd."),
    ("", "云鼎", "控股", "Yunding Holding Group Co., Ltd."),
    ("无锡", "智远", "半导体设备", "Wuxi Zhiyuan Semiconductor Equipment Co., Ltd."),
    ("重庆", "金澜", "电子信息", "Chongqing Jinlan Electronic Information Co., Ltd."),
    ("哈尔滨", "冰睿", "航天仪器", "Harbin Bingrui Aerospace Instrument Co., Ltd."),
)

# Other ways filings write listed parties: aliases as the list has them, romanisations that differ in spacing,
# punctuation, order, case or a letter, names in mixed script.
OTHER_WRITINGS = (
    ("Longgang Precision Computing", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("SLPC", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("SHENZHEN LONG-GANG PRECISION COMPUTING CO.,LTD", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("Longgang Precision Computing (Shenzhen) Co Ltd", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("Shenzhen Longang Precision Computing Company Limited", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("深圳龙岗 Precision Computing Co., Ltd.", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("Shenzhen Longgang Jingmi Jisuan Youxian Gongsi", "Shenzhen Longgang Precision Computing Co., Ltd."),
    ("Lanxin Semi", "Hangzhou Lanxin Semiconductor Co., Ltd."),
    ("Hangzhou Lan Xin Semiconductors Ltd.", "Hangzhou Lanxin Semiconductor Co., Ltd."),
    ("Star Balance Intelligent Technology", "Beijing Xingheng Intelligent Technology Co., Ltd."),
    ("Beijing Xing Heng Intelligence Tech Co", "Beijing Xingheng Intelligent Technology Co., Ltd."),
    ("Tianshu Supercomputing", "Chengdu Tianshu Supercomputing Center"),
    ("Chengdu Tianshu Super-computing Centre", "Chengdu Tianshu Supercomputing Center"),
    ("Pantuo Electronic", "Wuhan Pantuo Electronics Co., Ltd."),
    ("XIAN LINGFENG MICRO-ELECTRONICS", "Xi'an Lingfeng Microelectronics Co., Ltd."),
    ("Yaochen Networks", "Nanjing Yaochen Network Technology Co., Ltd."),
    ("Saichi Microsystems", "Suzhou Saichi Integrated Circuit Design Co., Ltd."),
    ("Beichen Photoelectric", "Dalian Beichen Optoelectronics Co., Ltd."),
    ("珠海明镜半导体有限公司", "Zhuhai Mingjing Semiconductor Co., Ltd."),
    ("Yunding Group", "Yunding Holding Group Co., Ltd."),
    ("北京先进计算技术研究所", "Beijing Institute of Advanced Computing Technology"),
    ("BIACT", "Beijing Institute of Advanced Computing Technology"),
    ("Hong Kong Brightpeak Trading Ltd", "Hong Kong Brightpeak Trading Limited"),
    ("Bright Peak Trading (HK) Limited", "Hong Kong Brightpeak Trading Limited"),
    ("Everstone Logistics Co., Ltd.", "Everstone Logistics (HK) Co., Limited"),
    ("Vostok Compute Trading", "Vostok Compute Trading LLC"),
    ("Al Noor Advanced Electronics", "Al-Noor Advanced Electronics FZE"),
    ("Qian Mobai", "QIAN Mobai"),
)


def true_positives() -> list[tuple[str, str]]:
    """(name as filed, the list's name it must match): every listed Chinese company written in characters, with
    and without its place and legal form, with 市, another legal form, the place in brackets; then the others."""
    names = []
    for place, trade, industry, listed in LISTED_COMPANIES:
        writings = [
            f"{place}{trade}{industry}有限公司",
            f"{place}{trade}{industry}",
            f"{place}{trade}{industry}股份有限公司",
            f"{trade}{industry}有限公司",
            f"{trade}{industry}",
        ]
        if place:
            writings += [f"{place}市{trade}{industry}有限公司", f"{trade}{industry}（{place}）有限公司"]  # noqa: RUF001
        names += [(writing, listed) for writing in writings]
    return names + list(OTHER_WRITINGS)


PLACES = (
    # Cities and provinces that the matching policy knows...
    "北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "南京", "苏州", "西安", "合肥", "长沙", "天津", "重庆",
    "青岛", "厦门", "大连", "无锡", "宁波", "东莞", "佛山", "郑州", "济南", "福州", "昆明", "广东", "江苏", "浙江",
    "山东", "四川",
    # ...and cities it does not: their names stay in the trade name.
    "惠州", "中山", "泉州", "嘉兴", "南通", "扬州", "徐州", "潍坊", "芜湖", "株洲", "江门", "台州",
)
TRADE_CHARACTERS = (
    "华中海天新金鑫信宏恒泰达盛兴明光星辰云龙腾飞瑞祥安康嘉和通科智创博远航鼎峰凯越源德邦捷锐晨卓联启宇鸿昊润"
    "永力贝美优众合维方元益丰锦弘诚佳豪旭东南西北正大立汇盈利顺隆昌荣茂广朗睿思微芯算数量图灵视语讯擎拓磐衡"
    "驰骋翔宸熙逸澜泽浩瀚川岳峻岭松柏青蓝紫红白玉晶石钢铁铭道行久万亿百千乾坤阳月日景"
)
INDUSTRIES = (
    "科技", "技术", "信息技术", "电子", "智能科技", "数据科技", "网络科技", "半导体", "微电子", "精密仪器", "计算机",
    "通信技术", "软件", "云计算", "光电", "集成电路设计", "新材料", "自动化设备", "电子科技", "信息科技", "智能装备",
    "贸易", "进出口", "实业", "投资", "机器人", "激光", "系统集成", "数字科技", "精密机械",
    # Industries the glossary does not translate: they stay pinyin, with the trade name.
    "医药", "文化传媒", "建筑工程", "餐饮管理", "物业管理", "环保", "食品", "服饰",
)
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "")


def unrelated_names(count: int = 600, seed: int = 12) -> list[str]:
    """``count`` distinct company names, place + trade name (two or three characters) + industry + legal form,
    none with the trade name of a listed company."""
    generator = random.Random(seed)
    listed_trade_names = {trade for _, trade, _, _ in LISTED_COMPANIES}
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        trade = "".join(generator.sample(TRADE_CHARACTERS, generator.choice((2, 2, 2, 3))))
        if any(listed in trade for listed in listed_trade_names):
            continue
        place = generator.choice(PLACES)
        suffix = "市" if generator.random() < 0.2 else ""
        name = f"{place}{suffix}{trade}{generator.choice(INDUSTRIES)}{generator.choice(LEGAL_FORMS)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def romanised_list(count: int, seed: int = 2026) -> list[str]:
    """``count`` list-style English names (pinyin place and trade name, translated industry): a large list to
    measure speed against."""
    generator = random.Random(seed)
    syllables = (
        "an", "bai", "bao", "bei", "bin", "bo", "cai", "chang", "chen", "cheng", "chuan", "da", "de", "ding",
        "dong", "fan", "fei", "feng", "fu", "gang", "gao", "guang", "hai", "hang", "hao", "he", "heng", "hong",
        "hua", "hui", "jia", "jian", "jin", "jing", "jun", "kai", "kang", "lan", "lei", "li", "lian", "lin", "ling",
        "long", "lu", "ming", "nan", "ning", "pan", "peng", "qi", "qian", "qing", "rong", "rui", "run", "sai",
        "shan", "sheng", "shi", "shu", "tai", "tian", "tong", "tuo", "wei", "wen", "xiang", "xin", "xing", "xu",
        "xuan", "yang", "yao", "yi", "ying", "yong", "yu", "yuan", "yue", "yun", "ze", "zhi", "zhong", "zhou",
    )
    places = ("Beijing", "Shanghai", "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu", "Wuhan", "Nanjing", "Suzhou",
              "Xi'an", "Hefei", "Tianjin", "Chongqing", "Qingdao", "Xiamen", "Dalian", "Hong Kong", "")
    industries = ("Technology", "Electronics", "Information Technology", "Semiconductor", "Microelectronics",
                  "Intelligent Technology", "Network Technology", "Precision Instrument", "Computing",
                  "Data Technology", "Trading", "Optoelectronics", "Integrated Circuit Design", "Cloud Computing",
                  "Supply Chain Management", "Import and Export", "Aerospace Instrument", "Communication Technology")
    legal = ("Co., Ltd.", "Co., Ltd.", "Limited", "Corporation", "Group Co., Ltd.", "")
    return [
        " ".join(part for part in (
            generator.choice(places),
            "".join(generator.sample(syllables, generator.choice((2, 2, 3)))).capitalize(),
            generator.choice(industries),
            generator.choice(legal),
        ) if part)
        for _ in range(count)
    ]


def sample_list_names(policy: MatchingPolicy = MATCHING_POLICY) -> tuple[list[ListedName], dict[str, int]]:
    """The sample list's names and aliases as the screening index holds them (numbered from 1, no database), and
    each entry's number by its name."""
    names, numbers = [], {}
    for number, entry in enumerate(parse_screening_list(SAMPLE_LIST_PATH, policy), start=1):
        numbers[entry.name] = number
        names.append(ListedName(number, entry.name, False, tuple(map(NameForm.from_stored, entry.match_forms["name"]))))
        for alias, forms in zip(entry.alt_names, entry.match_forms["alt_names"], strict=True):
            names.append(ListedName(number, alias, True, tuple(map(NameForm.from_stored, forms))))
    return names, numbers


@dataclass(frozen=True)
class Evaluation:
    positives: int
    found: int  # true positives whose entry was hit
    negatives: int
    flagged: int  # unrelated names that hit any entry
    wrong: int  # true positives that also hit another entry

    @property
    def recall(self) -> float:
        return self.found / self.positives

    @property
    def false_positive_rate(self) -> float:
        return self.flagged / self.negatives

    @property
    def precision(self) -> float:
        """Hits on the right entry among all names that hit something wrong or right."""
        hits = self.found + self.flagged + self.wrong
        return self.found / hits if hits else 1.0


def evaluate(index: ScreeningIndex, numbers: dict[str, int], negatives: list[str]) -> Evaluation:
    found = wrong = 0
    for name, listed in true_positives():
        hit = {match.listed.entry_id for match in index.match_name(name)}
        found += numbers[listed] in hit
        wrong += bool(hit - {numbers[listed]})
    flagged = sum(bool(index.match_name(name)) for name in negatives)
    return Evaluation(len(true_positives()), found, len(negatives), flagged, wrong)

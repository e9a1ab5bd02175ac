"""How names are matched against screening lists, held as one versioned policy object.

The threshold, the weights of the score and the word lists the normaliser uses are data: to change any of
them, add a new ``MatchingPolicy`` with its version and effective date and point ``MATCHING_POLICY`` at it;
never edit a published one. Entries remember the version their names were normalised with.

Sources of the word lists:
- Legal forms: the company forms of the PRC Company Law (有限责任公司, 股份有限公司) and the words for them
  and for group, branch and head office in Chinese registrations; in English, the forms that the US
  Consolidated Screening List's names carry ("Co., Ltd.", "Limited", "Corporation", "Inc.", "GmbH" ...).
- Glossary: industry words of Chinese company names that Entity List entries carry translated rather than
  romanised (科技 "Technology", 计算 "Computing", 精密 "Precision" ...), with the English the lists use.
- Places: China's provincial-level divisions (GB/T 2260) and its larger cities, romanised in Hanyu Pinyin
  (GB/T 16159-2012) with the customary exceptions (Shaanxi, Hong Kong, Macau, Inner Mongolia, Tibet).
- The threshold and weights were measured on the evaluation in ``tests/parties/test_evaluation.py``
  (recall and false-positive rate are in its docstring and printed by ``bench/party_matching.py``).
"""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MatchingPolicy:
    version: str
    effective_from: date
    # A name whose score reaches this (0-100) is a hit.
    threshold: float
    # Score = distinctive_weight x similarity of the distinctive words (the trade name) + the rest x the
    # agreement of place and industry words. A shared city and industry word alone stays far below the threshold.
    distinctive_weight: float
    # Legal forms, removed wherever they stand (English as word sequences, Chinese as suffixes).
    legal_forms_en: tuple[tuple[str, ...], ...]
    legal_forms_zh: tuple[str, ...]
    # Chinese industry words and the English the lists translate them with.
    glossary: tuple[tuple[str, str], ...]
    # English words of no distinguishing value besides the glossary's, and spelling variants made one.
    generic_words_en: frozenset[str]
    english_variants: tuple[tuple[str, str], ...]
    stopwords_en: frozenset[str]
    # Chinese place names with their customary romanisation, and the administrative suffixes that may follow.
    places: tuple[tuple[str, str], ...]
    place_suffixes_zh: tuple[str, ...]
    sources: str


LEGAL_FORMS_EN = (
    ("limited", "liability", "company"), ("joint", "stock", "company"), ("company", "limited"), ("co", "ltd"),
    ("co",), ("ltd",), ("limited",), ("company",), ("corp",), ("corporation",), ("inc",), ("incorporated",),
    ("llc",), ("plc",), ("gmbh",), ("pte",), ("pty",), ("jsc",), ("pjsc",), ("ojsc",), ("ooo",), ("bv",),
    ("srl",), ("sa",), ("ag",), ("ltda",), ("llp",), ("fze",), ("fzco",), ("group",), ("branch",),
    # Chinese legal forms written in pinyin.
    ("gufen", "youxian", "gongsi"), ("youxian", "zeren", "gongsi"), ("youxian", "gongsi"), ("gongsi",),
    ("jituan",),
)

LEGAL_FORMS_ZH = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "集团公司", "分公司", "总公司",
    "股份", "公司", "集团",
)

GLOSSARY = (
    ("科技", "technology"), ("技术", "technology"), ("高新技术", "high technology"), ("高科技", "high technology"),
    ("计算机", "computer"), ("计算", "computing"), ("超级计算", "supercomputing"), ("超算", "supercomputing"),
    ("算力", "computing power"), ("智能", "intelligent"), ("人工智能", "artificial intelligence"),
    ("智慧", "smart"), ("数据", "data"), ("大数据", "big data"), ("信息", "information"), ("电子", "electronics"),
    ("微电子", "microelectronics"), ("光电", "optoelectronics"), ("网络", "network"), ("云", "cloud"),
    ("云计算", "cloud computing"), ("精密", "precision"), ("半导体", "semiconductor"),
    ("集成电路", "integrated circuit"), ("芯片", "chip"), ("软件", "software"), ("系统", "system"),
    ("通信", "communication"), ("通讯", "communication"), ("数字", "digital"), ("设备", "equipment"),
    ("装备", "equipment"), ("仪器", "instrument"), ("材料", "material"), ("新材料", "new material"),
    ("能源", "energy"), ("新能源", "new energy"), ("工程", "engineering"), ("研究院", "research institute"),
    ("研究所", "research institute"), ("实验室", "laboratory"), ("中心", "center"), ("发展", "development"),
    ("国际", "international"), ("贸易", "trading"), ("商贸", "trading"), ("进出口", "import export"),
    ("实业", "industry"), ("工业", "industry"), ("产业", "industry"), ("投资", "investment"),
    ("控股", "holding"), ("自动化", "automation"), ("机器人", "robotics"), ("航空", "aviation"),
    ("航天", "aerospace"), ("光学", "optics"), ("激光", "laser"), ("量子", "quantum"), ("视觉", "vision"),
    ("制造", "manufacturing"), ("机械", "machinery"), ("电气", "electric"), ("物流", "logistics"),
    ("服务", "service"), ("咨询", "consulting"), ("安全", "security"), ("防务", "defense"),
    ("设计", "design"), ("应用", "application"), ("创新", "innovation"), ("开发", "development"),
    ("先进", "advanced"), ("供应链", "supply chain"), ("大学", "university"), ("研究中心", "research center"),
)

GENERIC_WORDS_EN = frozenset({
    "academy", "advanced", "applied", "center", "development", "device", "electric", "electronics", "engineering",
    "enterprise", "export", "factory", "high", "import", "industry", "institute", "international", "lab",
    "laboratory", "new", "power", "product", "research", "science", "service", "solution", "technology",
    "trading", "university", "works",
})

ENGLISH_VARIANTS = (
    ("technologies", "technology"), ("tech", "technology"), ("hightech", "high technology"),
    ("hi", "high"), ("electronic", "electronics"), ("communications", "communication"), ("systems", "system"),
    ("sciences", "science"), ("materials", "material"), ("instruments", "instrument"), ("holdings", "holding"),
    ("industries", "industry"), ("industrial", "industry"), ("centre", "center"), ("intl", "international"),
    ("microelectronic", "microelectronics"), ("semiconductors", "semiconductor"), ("networks", "network"),
    ("chips", "chip"), ("services", "service"), ("solutions", "solution"), ("products", "product"),
    ("devices", "device"), ("optoelectronic", "optoelectronics"), ("photoelectric", "optoelectronics"),
    ("intelligence", "intelligent"), ("innovations", "innovation"), ("laboratories", "laboratory"),
    ("labs", "lab"), ("enterprises", "enterprise"), ("computers", "computer"), ("robotic", "robotics"),
    ("defence", "defense"), ("trade", "trading"), ("hk", "hongkong"), ("prc", "china"),
)

PLACES = (
    # Provincial-level divisions.
    ("北京", "beijing"), ("天津", "tianjin"), ("上海", "shanghai"), ("重庆", "chongqing"), ("河北", "hebei"),
    ("山西", "shanxi"), ("辽宁", "liaoning"), ("吉林", "jilin"), ("黑龙江", "heilongjiang"), ("江苏", "jiangsu"),
    ("浙江", "zhejiang"), ("安徽", "anhui"), ("福建", "fujian"), ("江西", "jiangxi"), ("山东", "shandong"),
    ("河南", "henan"), ("湖北", "hubei"), ("湖南", "hunan"), ("广东", "guangdong"), ("海南", "hainan"),
    ("四川", "sichuan"), ("贵州", "guizhou"), ("云南", "yunnan"), ("陕西", "shaanxi"), ("甘肃", "gansu"),
    ("青海", "qinghai"), ("台湾", "taiwan"), ("内蒙古", "innermongolia"), ("广西", "guangxi"),
    ("西藏", "tibet"), ("宁夏", "ningxia"), ("新疆", "xinjiang"), ("香港", "hongkong"), ("澳门", "macau"),
    # The country, as company names carry it.
    ("中国", "china"), ("中华", "china"),
    # Larger cities.
    ("深圳", "shenzhen"), ("广州", "guangzhou"), ("杭州", "hangzhou"), ("成都", "chengdu"), ("武汉", "wuhan"),
    ("南京", "nanjing"), ("苏州", "suzhou"), ("西安", "xian"), ("合肥", "hefei"), ("长沙", "changsha"),
    ("郑州", "zhengzhou"), ("济南", "jinan"), ("青岛", "qingdao"), ("大连", "dalian"), ("沈阳", "shenyang"),
    ("哈尔滨", "harbin"), ("长春", "changchun"), ("厦门", "xiamen"), ("福州", "fuzhou"), ("宁波", "ningbo"),
    ("无锡", "wuxi"), ("东莞", "dongguan"), ("佛山", "foshan"), ("珠海", "zhuhai"), ("昆明", "kunming"),
    ("贵阳", "guiyang"), ("南宁", "nanning"), ("南昌", "nanchang"), ("太原", "taiyuan"),
    ("石家庄", "shijiazhuang"), ("呼和浩特", "hohhot"), ("兰州", "lanzhou"), ("乌鲁木齐", "urumqi"),
    ("西宁", "xining"), ("银川", "yinchuan"), ("海口", "haikou"), ("拉萨", "lhasa"), ("常州", "changzhou"),
    ("绵阳", "mianyang"), ("洛阳", "luoyang"), ("烟台", "yantai"), ("温州", "wenzhou"), ("绍兴", "shaoxing"),
)

MATCHING_POLICY_2026_04 = MatchingPolicy(
    version="party-matching-2026-04",
    effective_from=date(2026, 4, 1),
    threshold=88.0,
    distinctive_weight=0.8,
    legal_forms_en=LEGAL_FORMS_EN,
    legal_forms_zh=LEGAL_FORMS_ZH,
    glossary=GLOSSARY,
    generic_words_en=GENERIC_WORDS_EN,
    english_variants=ENGLISH_VARIANTS,
    stopwords_en=frozenset({"the", "of", "and", "for", "in"}),
    places=PLACES,
    place_suffixes_zh=("特别行政区", "自治区", "省", "市"),
    sources=__doc__,
)

MATCHING_POLICY = MATCHING_POLICY_2026_04

"""Names for the synthetic world: communities, people (masked for residents), roads."""
from __future__ import annotations

import numpy as np

# Community name stems in the style of Hongqiao's (roads, old villages, estates). The first
# stems of 丁字沽 are its numbered sections, as in the report's 丁字沽十段社区.
DINGZIGU_SECTIONS = ("一段", "二段", "三段", "四段", "五段", "六段", "七段", "八段", "九段", "十段")
STEMS = (
    "光荣道", "四新道", "湘潭道", "本溪路", "勤俭道", "西青道", "子牙河", "红旗路", "春和里",
    "桃花园", "西站前", "千禧园", "风貌里", "丹江里", "双环", "咸阳北", "和苑", "芥园西",
    "邵公庄", "西于庄", "三条石", "铃铛阁", "西沽南", "西沽北", "河北大街", "南运河", "北运河",
    "复兴路", "大胡同", "估衣街", "小西关", "大丰路", "美丽园", "天骄园", "水木天成", "泰来里",
    "佳园里", "建昌道", "中嘉花园", "丁字沽东", "丁字沽西", "红桥北大街", "凯莱赛", "民族园",
    "先春园", "文昌宫", "永明里", "如意里", "团结里", "幸福里", "和平里", "友谊里", "长春道",
    "普济河", "东风里", "新春里", "同义庄", "公园里", "东里", "西里", "北里", "南里", "三元里",
    "万德庄", "龙禧园", "芥园道", "怡水园", "宜白路", "新开河", "湾兴里", "红湾里", "渔人码头",
    "光明里", "青年路", "育红里", "朝阳里", "春晖里", "秋实园", "锦绣园", "雅馨园", "嘉和园",
    "学苑里", "翠华里", "安居里", "乐园里", "润园里", "清园里", "瑞景园", "运河苑", "御河湾",
    "海河里", "津桥里", "鼓楼西", "北马路", "针市街", "西马路", "太平街", "中营", "红星里",
    "建设里", "胜利里", "宏源里", "兴华里", "永安里", "康宁里", "福寿里", "吉祥里", "如园",
    "颐园", "荣园", "欣园", "雅园", "馨园", "和畅园", "和美园", "和润园", "和悦园", "和馨园",
    "和顺园", "和瑞园", "和泰园", "和平新村", "西沽公园", "丁字沽南", "三段南", "铃铛阁东",
)

SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文凤梅琳晨宇浩然欣怡子涵梓轩雨泽思远佳琪志刚海燕金凤春生淑珍秀兰")


def community_names(street_names: list[str], counts: list[int], rng: np.random.Generator) -> list[list[str]]:
    """Unique community names per street (丁字沽 gets its numbered sections first).

    Parameters
    ----------
    street_names : list of str
        Chinese street names, in street order.
    counts : list of int
        Communities per street.
    rng : Generator

    Returns
    -------
    list of list of str
        Names (with 社区) for each street's communities in order.
    """
    pool = list(rng.permutation(np.array(STEMS, dtype=object)))
    if sum(counts) > len(pool) + len(DINGZIGU_SECTIONS):
        raise ValueError("not enough community names for this many communities")
    out: list[list[str]] = []
    for name, count in zip(street_names, counts):
        names = []
        if name.startswith("丁字沽"):
            # 十段 first so it survives however few communities the street gets.
            sections = ["十段"] + [s for s in DINGZIGU_SECTIONS if s != "十段"]
            names = sections[:count]
        while len(names) < count:
            names.append(pool.pop())
        out.append([f"{n}社区" for n in names])
    return out


def person_names(n: int, rng: np.random.Generator) -> np.ndarray:
    """Full names (for staff accounts): a surname and one or two given characters."""
    surname = rng.choice(np.array(SURNAMES), n)
    first = rng.choice(np.array(GIVEN), n)
    second = np.where(rng.random(n) < 0.6, rng.choice(np.array(GIVEN), n), "")
    return np.char.add(np.char.add(surname, first), second)


def masked(names: np.ndarray) -> np.ndarray:
    """Residents' names as stored: the surname, then one * per remaining character."""
    return np.array([n[0] + "*" * (len(n) - 1) for n in names], dtype=object)

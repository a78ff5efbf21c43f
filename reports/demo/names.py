"""Invented names, every one marked 【演示】 so no one mistakes it for the real register."""

from __future__ import annotations

import random

from reports.demo.base import DEMO_PREFIX

TOPICS = [
    "老年",
    "青少年",
    "家庭",
    "邻里",
    "志愿服务",
    "慈善",
    "文化",
    "体育",
    "书画",
    "摄影",
    "音乐",
    "舞蹈",
    "戏曲",
    "围棋",
    "象棋",
    "读书",
    "科普",
    "环保",
    "垃圾分类",
    "心理健康",
    "法律援助",
    "助残",
    "助老",
    "托育",
    "儿童",
    "妇女",
    "退役军人",
    "新市民",
    "调解",
    "平安",
    "消防",
    "应急救援",
    "红十字",
    "养老",
    "康复",
    "社会工作",
    "职业技能",
    "农业技术",
    "茶叶",
    "杨梅",
    "渔业",
    "水产",
    "种植",
    "养殖",
    "电子商务",
    "物流",
    "建筑",
    "模具",
    "纺织",
    "家电",
    "汽车",
    "港航",
    "外贸",
    "会计",
    "律师",
    "医师",
    "教育",
    "校友",
    "企业家",
    "民营经济",
]
GROUP_SUFFIXES = ["协会", "促进会", "研究会", "联合会", "商会", "学会", "俱乐部"]
SERVICE_SUFFIXES = ["服务中心", "社会工作服务社", "发展中心", "培训学校", "颐养院", "公益服务社", "文化艺术中心"]
FOUNDATION_SUFFIXES = ["慈善基金会", "公益基金会", "教育基金会"]
PLACE_WORDS = ["甬江", "三江", "月湖", "天一", "东钱湖", "四明", "姚江", "奉川", "象山港", "梁弄", "前湾", "北仑港"]
COMMUNITY_WORDS = [
    "和平",
    "幸福",
    "阳光",
    "明珠",
    "新城",
    "江南",
    "江东",
    "锦苑",
    "华庭",
    "兴宁",
    "桃源",
    "丽园",
    "春晓",
    "文昌",
    "怡江",
    "东湖",
    "西塘",
    "柳汀",
    "白鹤",
    "梅园",
    "紫薇",
    "翠柏",
    "青林",
    "金桥",
    "银杏",
    "长丰",
    "百丈",
    "南苑",
]
VILLAGE_WORDS = [
    "上",
    "下",
    "东",
    "西",
    "南",
    "北",
    "前",
    "后",
    "大",
    "小",
    "新",
    "老",
    "石",
    "竹",
    "松",
    "梅",
    "溪",
    "岙",
    "塘",
    "桥",
    "山",
    "河",
    "湾",
    "林",
    "岭",
    "头",
    "坑",
    "浦",
    "田",
    "家",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲丹萍红燕飞波宁海"


def organization_name(rng: random.Random, *, place: str, suffixes: list[str]) -> str:
    return f"{DEMO_PREFIX}{place}{rng.choice(TOPICS)}{rng.choice(suffixes)}"


def community_name(rng: random.Random, *, urban: bool) -> str:
    if urban:
        return f"{DEMO_PREFIX}{rng.choice(COMMUNITY_WORDS)}{rng.choice(COMMUNITY_WORDS)}社区"
    return f"{DEMO_PREFIX}{rng.choice(VILLAGE_WORDS)}{rng.choice(VILLAGE_WORDS)}{rng.choice(VILLAGE_WORDS)}村"


def person_name(rng: random.Random) -> str:
    return f"{DEMO_PREFIX}{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN) if rng.random() < 0.6 else ''}"


def demo_phone(serial: int) -> str:
    """A phone number of the demo data: 1380000 followed by four digits of a serial."""
    return f"1380000{serial % 10000:04d}"

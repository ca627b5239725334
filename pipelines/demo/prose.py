"""Short synthetic Chinese prose for the demo reports, assembled from the project's own phrase
lists (no text of real reports is used).  Every function takes a seeded ``random.Random``."""
from __future__ import annotations

import random

_OPENERS = [
    "{y}年，{a}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实政务公开各项工作部署，",
    "{y}年以来，{a}围绕年度政务公开工作要点，",
    "根据上级关于做好{y}年度政府信息公开工作的统一安排，{a}",
    "{y}年，{a}按照“以公开为常态、不公开为例外”的要求，",
]
_GOALS = [
    "持续完善主动公开目录，推动公开内容标准化、规范化。",
    "着力提升信息发布的及时性和准确性，切实保障公众知情权。",
    "把政务公开与重点业务工作同部署、同推进、同落实。",
    "健全信息发布审核机制，进一步增强行政工作透明度。",
    "以企业和群众需求为导向，不断拓展公开的广度和深度。",
]
_ACTIVE = [
    "围绕产业政策、项目申报、专项资金等重点领域做好信息发布，",
    "及时发布政策文件、工作动态和统计信息，",
    "通过门户网站、政务新媒体和公开栏等多种渠道发布信息，",
    "对涉企政策同步开展图文解读和问答解读，",
]
_REQUEST = [
    "严格按照法定程序和时限办理政府信息公开申请，做到依法答复、规范答复。",
    "进一步规范依申请公开的受理、登记、办理和答复流程，答复文书格式统一。",
    "对疑难申请实行集体研究和法律审核，确保答复内容合法准确。",
    "依申请公开工作全程留痕，办理情况按月梳理、按季分析。",
]
_MANAGE = [
    "（二）政府信息管理。落实公开前保密审查，定期清理过期失效信息，",
    "（二）政府信息管理。建立信息发布台账，实行分级审核、专人发布，",
    "（二）政府信息管理。动态调整主动公开基本目录，规范信息分类编排，",
]
_PLATFORM = [
    "（三）公开平台建设。优化网站栏目设置，提升检索和浏览体验。",
    "（三）公开平台建设。用好政务新媒体矩阵，扩大政策信息覆盖面。",
    "（三）公开平台建设。完善政务服务网公开专栏，推动线上线下融合公开。",
]
_SUPERVISE = [
    "（四）监督保障。将政务公开纳入年度目标考核，开展业务培训，强化日常监督检查。",
    "（四）监督保障。明确分管领导和责任科室，定期通报工作进展，及时整改发现的问题。",
    "（四）监督保障。组织专题学习，加强工作人员业务能力建设，落实责任追究制度。",
]
_PROBLEMS = [
    "一是政策解读的形式还不够丰富，二是部分栏目信息更新不够及时，三是工作人员业务水平有待提高。",
    "主要问题是公开内容的系统性不强，对公众关注事项的回应还不够主动。",
    "存在信息发布不够均衡、解读材料通俗性不足等问题。",
]
_IMPROVE = [
    "下一步，将进一步加强制度建设，丰富解读形式，提升公开质量。",
    "下一步，将聚焦重点领域信息公开，完善考核机制，推动工作提质增效。",
    "今后将加强培训指导，细化工作流程，不断提高政务公开工作水平。",
]
_OTHER = [
    "本年度无其他需要报告的事项。",
    "本机关认真办理人大代表建议和政协提案，办理结果按规定予以公开。",
    "本年度按要求完成政务公开工作要点各项任务。",
]
_GIVEN = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
_NAME = ["明", "华", "丽", "军", "静", "磊", "洁", "强", "敏", "伟", "芳", "燕"]
GBK_ONLY_NAMES = ["朱镕", "陈喆", "王镕喆"]   # characters outside GB2312 (in GBK)


def pick(rng: random.Random, xs: list[str]) -> str:
    return xs[rng.randrange(len(xs))]


def contact_name(rng: random.Random, gbk_only: bool = False) -> str:
    if gbk_only:
        return pick(rng, GBK_ONLY_NAMES)
    return pick(rng, _GIVEN) + pick(rng, _NAME)


def overview(rng: random.Random, year: int, agency: str, n_items: int) -> list[str]:
    """Section 一 paragraphs; the first contains '主动公开政府信息{n}条'."""
    p1 = pick(rng, _OPENERS).format(y=year, a=agency) + pick(rng, _GOALS)
    p2 = ("（一）主动公开情况。" + pick(rng, _ACTIVE) + f"全年共主动公开政府信息{n_items}条。")
    p3 = pick(rng, _MANAGE) + pick(rng, _GOALS)
    p4 = pick(rng, _PLATFORM)
    p5 = pick(rng, _SUPERVISE)
    paras = [p1, p2, p3, p4, p5]
    if rng.random() < 0.5:
        paras.insert(0, f"本报告统计期限自{year}年1月1日起至{year}年12月31日止。")
    return paras


def request_summary(rng: random.Random) -> str:
    return pick(rng, _REQUEST)


def problems(rng: random.Random) -> list[str]:
    return [pick(rng, _PROBLEMS), pick(rng, _IMPROVE)]


def other_matters(rng: random.Random, fee_yuan: int, contact: str) -> tuple[list[str], str]:
    """Section 六; returns (paragraphs, the fee phrase exactly as printed)."""
    if fee_yuan:
        fee_phrase = f"收取信息处理费{fee_yuan}元"
        first = f"本年度依据《政府信息公开信息处理费管理办法》{fee_phrase}。"
    else:
        fee_phrase = "未收取信息处理费"
        first = f"本年度{fee_phrase}。"
    return [first, pick(rng, _OTHER), f"联系人：{contact}。"], fee_phrase


def notice_title(rng: random.Random, year: int) -> str:
    """Titles of non-report articles that share the list columns."""
    return pick(rng, [
        f"关于开展{year}年度企业技术中心认定工作的通知",
        f"{year}年第{rng.randint(1, 4)}季度政务公开工作情况通报",
        f"关于公布{year}年度重点项目名单的公告",
        f"{year}年政府信息公开指南",
        f"关于征求《{year}年度专项资金管理办法（征求意见稿）》意见的公告",
        f"{year}年部门预算公开说明",
    ])


def notice_body(rng: random.Random) -> list[str]:
    return [pick(rng, _GOALS), pick(rng, _ACTIVE) + "特此通知。"]

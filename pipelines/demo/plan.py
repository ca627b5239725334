"""Where each agency publishes on the simulated web (hosts, families, columns).

Host names are stable identifiers used by ``DemoServer.base_urls`` and the registries.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class HostPlan:
    name: str
    family: str | None            # None for the OSS / hazard / offsite hosts
    site_name: str
    site_code: str                # SiteIDCode meta
    webid: int = 0
    dataproxy: str = "/module/jpage/dataproxy.jsp"
    columns: dict = field(default_factory=dict)   # column id -> (column name, unitid)
    division_code: str = ""       # open-world hosts: GB/T 2260 code of the jurisdiction (registry division_code)
    years: tuple[int, int] | None = None   # open-world hosts: report years the source carries (registry years)


HOSTS: dict[str, HostPlan] = {h.name: h for h in [
    HostPlan("jiaxing_portal", "hanweb_jcms", "嘉兴市人民政府", "3304000001", 3163,
             columns={1229708661: ("政府信息公开年度报告", 5853561)}),
    HostPlan("jxj_jiaxing", "hanweb_jcms", "嘉兴市经济和信息化局", "3304000031", 3241,
             columns={1229113429: ("政府信息公开年度报告", 5850118)}),
    HostPlan("zhoushan_xxgk", "hanweb_jcms", "舟山市政府信息公开网", "3309000002", 3600,
             dataproxy="/module/web/jpage/dataproxy.jsp",
             columns={1229485623: ("市政府年度报告", 6601001), 1229429114: ("市经信局年度报告", 6601002),
                      1229429120: ("市市场监管局年度报告", 6601003)}),
    HostPlan("haining_jxj", "hanweb_jcms", "海宁市经济和信息化局", "3304810012", 3377,
             columns={1229600101: ("政府信息公开年报", 7100101)}),
    HostPlan("pinghu_portal", "hanweb_xxgk_annual", "平湖市人民政府", "3304820001", 3110),
    HostPlan("jiashan_portal", "hanweb_xxgk_annual", "嘉善县人民政府", "3304210001", 3120),
    HostPlan("nb_jxj", "hanweb_jpaas", "宁波市经济和信息化局", "3302000021", 3512,
             columns={1229001001: ("政府信息公开年报", 0), 1229001002: ("政务公开", 0)}),
    HostPlan("cixi_trs", "trs_static", "慈溪市人民政府", "3302820001"),
    HostPlan("oss", None, "对象存储", ""),
    HostPlan("hazards", None, "hazards", ""),
    HostPlan("offsite", None, "offsite", ""),
    # open-world hosts (pipelines/demo/open_world.py): agencies in no catalog; last, so that the
    # hosts above keep their ports under DemoServer(port_base=…)
    HostPlan("jiangsu_portal", "hanweb_jcms", "江苏省人民政府", "3200000001", 3201,
             columns={1229999101: ("政府信息公开年度报告", 7800101)}, division_code="320000", years=(2019, 2022)),
    HostPlan("beijing_portal", "trs_static", "首都之窗", "1100000088", division_code="110000", years=(2017, 2021)),
    # a text archive republishing reports as converted text (copies.py); last, ports of the rest unchanged
    HostPlan("text_archive", "trs_static", "政务公开年报文本库", "3300000099"),
]}

# agency id -> (host, column id or None)
AGENCY_SITES: dict[str, tuple[str, int | None]] = {
    "jx_gov": ("jiaxing_portal", 1229708661),
    "jx_fgw": ("jiaxing_portal", 1229708661),
    "jx_sthjj": ("jiaxing_portal", 1229708661),
    "jx_jxj": ("jxj_jiaxing", 1229113429),
    "zs_gov": ("zhoushan_xxgk", 1229485623),
    "zs_jxj": ("zhoushan_xxgk", 1229429114),
    "zs_scjg": ("zhoushan_xxgk", 1229429120),
    "hn_jxj": ("haining_jxj", 1229600101),
    "ph_jxj": ("pinghu_portal", None),
    "ph_fgj": ("pinghu_portal", None),
    "js_jxj": ("jiashan_portal", None),
    "js_kjj": ("jiashan_portal", None),
    "nb_jxj": ("nb_jxj", 1229001001),
    "cx_gov": ("cixi_trs", None),
    "cx_jxj": ("cixi_trs", None),
}
REPOST_HOST = ("jiaxing_portal", 1229708661)      # jx_jxj reports reposted on the city portal
REPOST_AGENCIES = ("jx_jxj",)
JPAAS_IGNORE_PAGE_COLUMN = 1229001002             # the column whose paging ignores pageNo
TRS_PATH = "/zwgk/ndbg"
PER_PAGE = 15

# page encodings (render_html.ENCODINGS variants) per agency; year-dependent for haining
ENCODING_BY_AGENCY = {"zs_jxj": "gb2312_header", "zs_scjg": "gbk_meta"}


def encoding_for(agency_id: str, year: int) -> str:
    if agency_id == "hn_jxj" and year <= 2018:
        return "utf8_bom"
    return ENCODING_BY_AGENCY.get(agency_id, "utf8")

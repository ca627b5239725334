"""HTML rendering: report bodies in four table layouts and the page frames of the site families
(docs/site-families.md)."""
from __future__ import annotations

from functools import lru_cache
from html import escape

from .tables import Table

Block = tuple  # ("title" | "h" | "p", text) or ("table", Table)


@lru_cache(maxsize=4096)
def _e(s: str) -> str:
    return escape(s, quote=False)


def _ea(s: str) -> str:
    return escape(s, quote=True)


# --------------------------------------------------------------------------- html_grid

def _grid_table(t: Table) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">', "<tbody>"]
    for row in t.rows:
        out.append("<tr>")
        for c in row:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            if c.code is not None:
                attrs += ' style="text-align:center;"'
            txt = "<br />".join(_e(x) for x in c.text.split("\n")) if c.text else "&nbsp;"
            out.append(f"<td{attrs}>{txt}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _body_grid(blocks: list[Block]) -> str:
    out = []
    for kind, x in blocks:
        if kind == "title":
            out.append(f'<p style="text-align:center;"><strong>{_e(x)}</strong></p>')
        elif kind == "h":
            out.append(f'<p style="text-indent:2em;"><strong>{_e(x)}</strong></p>')
        elif kind == "p":
            out.append(f'<p style="text-indent:2em;">{_e(x)}</p>')
        else:
            out.append(_grid_table(x))
    return "\n".join(out)


# --------------------------------------------------------------------------- html_word

_TD_STYLE = ("border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;"
             "padding:0cm 5.4pt 0cm 5.4pt")


def _word_span(text: str, split_digits: bool) -> str:
    if not text:
        return "<span lang=EN-US><o:p>&nbsp;</o:p></span>"
    if text.isascii():
        if split_digits and len(text) >= 2 and text.isdigit():
            # Word often splits a number into two runs
            return f"<span lang=EN-US>{text[:1]}</span><span lang=EN-US>{text[1:]}</span>"
        return f"<span lang=EN-US>{_e(text)}</span>"
    return (f"<span style='font-size:10.5pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\";"
            f"mso-hansi-font-family:\"Times New Roman\"'>{_e(text)}</span>")


def _word_table(t: Table) -> str:
    out = ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=576",
           " style='width:432.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
           "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"]
    for i, row in enumerate(t.rows):
        out.append(f" <tr style='mso-yfti-irow:{i}'>")
        for j, c in enumerate(row):
            attrs = ""
            if c.colspan > 1:
                attrs += f" colspan={c.colspan}"
            if c.rowspan > 1:
                attrs += f" rowspan={c.rowspan}"
            text = c.text.replace("\n", "")
            inner = _word_span(text, split_digits=(i + j) % 3 == 0)
            out.append(f"  <td{attrs} valign=center style='{_TD_STYLE}'>"
                       f"<p class=MsoNormal align=center style='text-align:center'>{inner}"
                       f"<span lang=EN-US><o:p></o:p></span></p></td>")
        out.append(" </tr>")
    out.append("</table>")
    return "\n".join(out)


def _body_word(blocks: list[Block]) -> str:
    out = ["<div class=WordSection1 style='layout-grid:15.6pt'>"]
    for kind, x in blocks:
        if kind == "title":
            out.append("<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:16.0pt;"
                       f"font-family:方正小标宋简体'>{_e(x)}</span></b></p>")
        elif kind == "h":
            out.append("<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'>"
                       f"<span style='font-size:16.0pt;font-family:黑体'>{_e(x)}<span lang=EN-US><o:p></o:p></span></span></p>")
        elif kind == "p":
            out.append("<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
                       f"<span style='font-size:16.0pt;font-family:仿宋_GB2312'>{_e(x)}</span></p>")
        else:
            out.append(_word_table(x))
            out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    out.append("</div>")
    return "\n".join(out)


# --------------------------------------------------------------------------- html_flat_cells / html_tab_rows

def _body_flat(blocks: list[Block]) -> str:
    out = []
    for kind, x in blocks:
        if kind == "table":
            for row in x.rows:
                for c in row:
                    txt = _e(c.text.replace("\n", "")) if c.text else "&nbsp;"
                    out.append(f"<p>{txt}</p>")
        elif kind == "title":
            out.append(f'<p style="text-align:center;">{_e(x)}</p>')
        else:
            out.append(f"<p>{_e(x)}</p>")
    return "\n".join(out)


def _body_tabs(blocks: list[Block]) -> str:
    out = []
    for kind, x in blocks:
        if kind == "table":
            for row in x.rows:
                out.append("<p>" + "\t".join(_e(c.text.replace("\n", "")) for c in row) + "</p>")
        elif kind == "title":
            out.append(f'<p align="center">{_e(x)}</p>')
        else:
            out.append(f"<p>{_e(x)}</p>")
    return "\n".join(out)


def render_body(blocks: list[Block], layout: str) -> str:
    if layout == "html_grid":
        return _body_grid(blocks)
    if layout == "html_word":
        return _body_word(blocks)
    if layout == "html_flat_cells":
        return _body_flat(blocks)
    if layout == "html_tab_rows":
        return _body_tabs(blocks)
    raise ValueError(layout)


# --------------------------------------------------------------------------- page frames

ENCODINGS = {
    # variant: (python codec, Content-Type header, declaration in <head>)
    "utf8": ("utf-8", "text/html; charset=utf-8", '<meta charset="utf-8">'),
    "gb2312_header": ("gbk", "text/html; charset=gb2312",
                      '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'),
    "gbk_meta": ("gbk", "text/html", '<meta charset="gbk">'),
    "utf8_bom": ("utf-8-sig", "text/html", ""),
}


def meta_tags(meta: dict) -> str:
    order = ["SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ArticleTitle", "PubDate",
             "ContentSource", "Keywords", "publishdate", "i_columnid", "i_articleid"]
    return "\n".join(f'<meta name="{k}" content="{_ea(str(meta[k]))}">' for k in order if k in meta)


def _head(title: str, meta: dict, decl: str) -> str:
    return ("<!DOCTYPE html>\n<html>\n<head>\n" + (decl + "\n" if decl else "")
            + f"<title>{_e(title)}</title>\n" + meta_tags(meta) + "\n</head>\n")


def attachments_html(links: list[tuple[str, str]], family: str) -> str:
    if not links:
        return ""
    items = "".join(f'<p><a href="{_ea(href)}" target="_blank">{_e(name)}</a></p>' for href, name in links)
    if family == "hanweb_jpaas":
        return f'<div class="Attachment-download">{items}</div>'
    return f'<div class="fjxz"><p>附件：</p>{items}</div>'


def page_jcms(*, title: str, meta: dict, content: str, decl: str, source: str, index_no: str,
              publisher: str, pub: str, attachments: str = "", extra_script: str = "") -> str:
    return (_head(title, meta, decl) + "<body>\n"
            '<div class="top"><a href="/">首页</a> &gt; <a href="#">政府信息公开</a> &gt; '
            f'{_e(meta.get("ColumnName", ""))}</div>\n'
            '<table class="xxgk_top" width="100%">\n'
            f"<tr><td>索引号：</td><td>{_e(index_no)}</td><td>发布机构：</td><td>{_e(publisher)}</td></tr>\n"
            f"<tr><td>发布日期：</td><td>{_e(pub[:10])}</td><td>公开方式：</td><td>主动公开</td></tr>\n"
            "</table>\n"
            f'<div class="title">{_e(title)}</div>\n'
            f'<div class="info">发布日期：{_e(pub)} 信息来源：<!--<$[信息来源]>begin-->{_e(source)}'
            '<!--<$[信息来源]>end--> 浏览次数：<span id="hits"></span></div>\n'
            '<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n'
            f"{content}\n"
            '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div>\n'
            f"{attachments}{extra_script}\n"
            '<div class="footer">主办单位：' + _e(meta.get("SiteName", "")) + "</div>\n</body>\n</html>\n")


def page_jpaas(*, title: str, meta: dict, content: str, decl: str, pub: str, source: str,
               attachments: str = "") -> str:
    return (_head(title, meta, decl) + "<body>\n"
            f'<div class="article-title"><h1>{_e(title)}</h1></div>\n'
            f'<div class="article-info"><span>发布时间：{_e(pub)}</span><span>来源：{_e(source)}</span></div>\n'
            f'<div class="article-content">\n{content}\n</div>\n{attachments}\n</body>\n</html>\n')


def page_trs(*, title: str, meta: dict, content: str, decl: str, pub: str, source: str,
             attachments: str = "") -> str:
    return (_head(title, meta, decl) + "<body>\n"
            f'<div class="detail-title">{_e(title)}</div>\n'
            f'<div class="detail-info">发布日期：{_e(pub)}　来源：{_e(source)}</div>\n'
            f'<div class="TRS_Editor">\n{content}\n</div>\n{attachments}\n</body>\n</html>\n')


def page_xxgk(*, title: str, meta: dict, content: str, decl: str, pub: str, attachments: str = "") -> str:
    return (_head(title or "政府信息公开年报", meta, decl) + "<body>\n<div class=\"xxgk-annual\">\n"
            f'<div class="title">{_e(title)}</div>\n'
            f'<div class="fbsj">发布时间:{_e(pub[:10])}</div>\n'
            f'<div id="zoom">{content}{attachments}</div>\n'
            + ("" if content else '<div class="empty">暂无年报</div>\n')
            + "</div>\n</body>\n</html>\n")


def encode_page(html: str, variant: str) -> tuple[bytes, str, str]:
    """Returns (bytes, python encoding name, Content-Type header)."""
    codec, ctype, _ = ENCODINGS[variant]
    return html.encode(codec), codec, ctype

# cython: language_level=3, boundscheck=False, wraparound=False
"""The HTML reader's tree walks in C, over libxml2's nodes instead of one lxml proxy per element.

    configure(block_tags, sep, table_mark)   (readers/html.py, once: its tag list and markers)
    walk(node) -> (grids, text) | None
    container(root, ids, classes) -> element | None | UNMODELLED

Exactly what readers/html.py does in Python (the tests and the build check compare both): the
content container's search (``_best_container``); every innermost table read as rows of cells
(``_grid`` before ``expand``) and replaced by TABLE_MARK, and the text of ``node`` with _SEP at each
block boundary and spaces for line breaks (``_block_text`` and the replaces after it).
The tree is not changed. None when the tree holds anything this walk does not model (entity
references, valueless span attributes): the caller then takes the Python path.
"""
from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdlib cimport free, realloc
from libc.string cimport memchr, memcpy, strcmp, strlen

cimport lxml.includes.etreepublic as cetree
from lxml.includes.tree cimport xmlAttr, xmlNode

cetree.import_lxml__etree()

from lxml.includes.tree cimport (XML_CDATA_SECTION_NODE as CDATA, XML_COMMENT_NODE, XML_ELEMENT_NODE as ELEMENT,
                                 XML_ENTITY_REF_NODE, XML_PI_NODE, XML_TEXT_NODE as TEXT)

# set by configure(): html.py's block tags (<br> apart) and its markers, as UTF-8
cdef list _keep = []  # the bytes the pointers below point into
cdef const char* BLOCK_TAGS[64]
cdef int N_BLOCK = 0
cdef const char* SEP = NULL
cdef size_t SEP_LEN = 0
cdef const char* TABLE_MARK = NULL
cdef size_t TABLE_MARK_LEN = 0


def configure(block_tags, str sep, str table_mark):
    """readers/html.py's _BLOCK_TAGS_NO_BR, _SEP and TABLE_MARK: one list of tags for both walks."""
    global N_BLOCK, SEP, SEP_LEN, TABLE_MARK, TABLE_MARK_LEN, _keep
    cdef bytes b
    tags = [t.encode("ascii") for t in block_tags]
    if len(tags) > 64:
        raise ValueError("at most 64 block tags")
    _keep = tags + [sep.encode("utf-8"), table_mark.encode("utf-8")]
    for i, b in enumerate(tags):
        BLOCK_TAGS[i] = b
    N_BLOCK = len(tags)
    b = _keep[len(tags)]
    SEP = b
    SEP_LEN = len(b)
    b = _keep[len(tags) + 1]
    TABLE_MARK = b
    TABLE_MARK_LEN = len(b)


cdef struct Buf:
    char* data
    size_t size
    size_t cap


class Unmodelled(Exception):
    pass


cdef int buf_add(Buf* b, const char* s, size_t n) except -1:
    cdef size_t cap
    cdef char* data
    if b.size + n > b.cap:
        cap = max(b.cap * 2, b.size + n + 256)
        data = <char*>realloc(b.data, cap)
        if data is NULL:
            raise MemoryError()
        b.data = data
        b.cap = cap
    memcpy(b.data + b.size, s, n)
    b.size += n
    return 0


cdef inline int add_text(Buf* b, xmlNode* k) except -1:
    """The content of a text or CDATA node."""
    if k.content is not NULL:
        buf_add(b, <const char*>k.content, strlen(<const char*>k.content))
    return 0


cdef xmlNode* add_texts(Buf* b, xmlNode* k) except? NULL:
    """The run of text nodes from k (lxml's .text / .tail); returns the node after the run."""
    while k is not NULL and (k.type == TEXT or k.type == CDATA):
        add_text(b, k)
        k = k.next
    return k


cdef inline bint is_tag(xmlNode* c, const char* name) noexcept:
    return c.type == ELEMENT and c.name is not NULL and strcmp(<const char*>c.name, name) == 0


cdef bint is_block(xmlNode* c) noexcept:
    cdef int i
    for i in range(N_BLOCK):
        if strcmp(<const char*>c.name, BLOCK_TAGS[i]) == 0:
            return True
    return False


cdef bint has_table(xmlNode* c) noexcept:
    """A <table> among c's descendants."""
    cdef xmlNode* k = c.children
    while k is not NULL:
        if k.type == ELEMENT and (is_tag(k, b"table") or has_table(k)):
            return True
        k = k.next
    return False


cdef int add_content(Buf* b, xmlNode* c) except -1:
    """xmlNodeBufGetContent of an element: its descendant text, in order."""
    cdef xmlNode* k = c.children
    while k is not NULL:
        if k.type == TEXT or k.type == CDATA:
            add_text(b, k)
        elif k.type == ELEMENT:
            add_content(b, k)
        elif k.type == XML_ENTITY_REF_NODE:  # an entity reference: its text is not modelled here
            raise Unmodelled()
        k = k.next
    return 0


cdef bint counts_as_child(xmlNode* k) noexcept:
    # lxml's len(): elements, comments, processing instructions, entity references
    return k.type == ELEMENT or k.type == XML_ENTITY_REF_NODE or k.type == XML_PI_NODE or k.type == XML_COMMENT_NODE


cdef str cell_text(xmlNode* td, Buf* b):
    """html._grid's text of a cell: all its text when it holds elements, else its own text; line
    breaks dropped (a childless cell keeps a lone \\r, as the Python reader does)."""
    cdef xmlNode* k = td.children
    cdef bint nested = False
    cdef size_t i, j
    b.size = 0
    while k is not NULL:
        if counts_as_child(k):
            nested = True
            break
        k = k.next
    if nested:
        add_content(b, td)
    else:  # lxml's .text: the text nodes before the first child, i.e. all of them here
        add_texts(b, td.children)
    if b.size and (nested or memchr(b.data, 10, b.size) is not NULL):
        j = 0
        for i in range(b.size):
            if b.data[i] != 10 and b.data[i] != 13:
                b.data[j] = b.data[i]
                j += 1
        b.size = j
    return PyBytes_FromStringAndSize(b.data, b.size).decode("utf-8")


cdef object attr_value(xmlNode* td, const char* name):
    """td.get(name) for a plain HTML attribute, None when absent."""
    cdef xmlAttr* a = td.properties
    cdef xmlNode* v
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            v = a.children
            if v is NULL or v.next is not NULL or v.type != TEXT or v.content is NULL:
                raise Unmodelled()
            return (<bytes>v.content).decode("utf-8")
        a = a.next
    return None


cdef list table_rows(xmlNode* table, Buf* b):
    """html._grid's rows (before expand) of an innermost table: every <tr> below it, in order."""
    cdef list rows = []
    collect_rows(table, rows, b)
    return rows


cdef int collect_rows(xmlNode* c, list rows, Buf* b) except -1:
    cdef xmlNode* k = c.children
    while k is not NULL:
        if k.type == ELEMENT:
            if is_tag(k, b"tr"):
                read_row(k, rows, b)
            collect_rows(k, rows, b)  # (a <tr> inside a <tr>: iter("tr") finds both)
        k = k.next
    return 0


cdef int read_row(xmlNode* tr, list rows, Buf* b) except -1:
    cdef list cells = []
    cdef list spans = None
    cdef xmlNode* td = tr.children
    cdef object rs, cs
    while td is not NULL:
        if is_tag(td, b"td") or is_tag(td, b"th"):
            text = cell_text(td, b)
            rs = attr_value(td, b"rowspan")
            cs = attr_value(td, b"colspan")
            if rs is not None or cs is not None:
                if spans is None:
                    spans = [(None, None)] * len(cells)
                spans.append((rs, cs))
            elif spans is not None:
                spans.append((None, None))
            cells.append(text)
        td = td.next
    if cells:
        rows.append(cells if spans is None else [(x, s[0], s[1]) for x, s in zip(cells, spans)])
    return 0


cdef int walk_text(xmlNode* c, Buf* out, Buf* cell, list grids) except -1:
    """Append c's serialised text to out, _SEP at each block boundary; innermost tables become
    TABLE_MARK and their rows go to grids."""
    cdef xmlNode* k = c.children
    while k is not NULL:
        if k.type == TEXT or k.type == CDATA:
            add_text(out, k)
        elif k.type == ELEMENT:
            if is_tag(k, b"br"):
                walk_text(k, out, cell, grids)
                buf_add(out, SEP, SEP_LEN)
            elif is_tag(k, b"table") and not has_table(k):
                grids.append(table_rows(k, cell))
                buf_add(out, SEP, SEP_LEN)
                buf_add(out, TABLE_MARK, TABLE_MARK_LEN)
                buf_add(out, SEP, SEP_LEN)
            elif is_block(k):
                buf_add(out, SEP, SEP_LEN)
                walk_text(k, out, cell, grids)
                buf_add(out, SEP, SEP_LEN)
            else:
                walk_text(k, out, cell, grids)
        elif k.type == XML_ENTITY_REF_NODE:
            raise Unmodelled()
        k = k.next
    return 0


cdef void spaces_for_line_breaks(Buf* b) noexcept:
    """read_html's text.replace("\\r\\n", " ").replace("\\n", " ").replace("\\r", " ") in one
    left-to-right pass (the same pairs: str.replace scans left to right too)."""
    cdef size_t i = 0, j = 0
    while i < b.size:
        if b.data[i] == 13 and i + 1 < b.size and b.data[i + 1] == 10:
            b.data[j] = 32
            i += 2
        else:
            b.data[j] = 32 if (b.data[i] == 10 or b.data[i] == 13) else b.data[i]
            i += 1
        j += 1
    b.size = j


def walk(cetree._Element node):
    """(grids, text) of node as html.read_html builds them, or None (see the module docstring)."""
    cdef Buf out
    cdef Buf cell
    cdef list grids = []
    cdef xmlNode* c = node._c_node
    if SEP is NULL:
        raise RuntimeError("_html_walk.configure() was not called")
    out.data = NULL; out.size = 0; out.cap = 0
    cell.data = NULL; cell.size = 0; cell.cap = 0
    try:
        if is_tag(c, b"br") or (is_tag(c, b"table") and not has_table(c)):
            return None  # the node itself a <br> or an innermost table: left to the Python reader
        # a block node's own boundaries: its markers land around its text, before its tail
        if is_block(c):
            buf_add(&out, SEP, SEP_LEN)
            walk_text(c, &out, &cell, grids)
            buf_add(&out, SEP, SEP_LEN)
        else:
            walk_text(c, &out, &cell, grids)
        # tostring(node, method="text") ends with the node's tail: the text nodes right after it
        add_texts(&out, c.next)
        spaces_for_line_breaks(&out)
        return grids, PyBytes_FromStringAndSize(out.data, out.size).decode("utf-8")
    except Unmodelled:
        return None
    finally:
        free(out.data)
        free(cell.data)


UNMODELLED = object()  # container(): the tree holds what this walk does not model


cdef bint has_content(xmlNode* el):
    """len(el) or (el.text or "").strip(), as _container tests a candidate."""
    cdef xmlNode* k = el.children
    cdef Buf b
    while k is not NULL:
        if counts_as_child(k):
            return True
        k = k.next
    b.data = NULL; b.size = 0; b.cap = 0
    try:
        add_texts(&b, el.children)
        return bool(PyBytes_FromStringAndSize(b.data, b.size).decode("utf-8").strip())
    finally:
        free(b.data)


cdef int scan_containers(xmlNode* el, dict ids, tuple classes, list best) except -1:
    """html._container's pass, pre-order over div/td/section/article from el; best = [element
    node address or 0, rank]. Returns 1 when a rank-0 element ends the search."""
    cdef xmlNode* k
    cdef object i, cls
    if (is_tag(el, b"div") or is_tag(el, b"td") or is_tag(el, b"section") or is_tag(el, b"article")):
        i = ids.get(attr_value(el, b"id") or "")
        if i is not None and i < best[1] and has_content(el):
            best[0] = <size_t>el
            best[1] = i
            if i == 0:
                return 1
        cls = attr_value(el, b"class")
        if cls:
            for name, j in classes:
                if j < best[1] and name in cls and (name != "content" or cls.split() == ["content"]):
                    if has_content(el):
                        best[0] = <size_t>el
                        best[1] = j
                    break
    k = el.children
    while k is not NULL:
        if k.type == ELEMENT and scan_containers(k, ids, classes, best):
            return 1
        k = k.next
    return 0


def container(cetree._Element root, dict ids, tuple classes):
    """html._container's choice before its <body> fallback: the best-ranked element, None when no
    element qualifies, UNMODELLED when the walk cannot tell (then the caller runs _container)."""
    cdef list best = [0, 99]
    try:
        scan_containers(root._c_node, ids, classes, best)
    except Unmodelled:
        return UNMODELLED
    if not best[0]:
        return None
    return cetree.elementFactory(root._doc, <xmlNode*><size_t>best[0])

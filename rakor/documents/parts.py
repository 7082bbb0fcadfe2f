"""A long document rendered in parts, so that WeasyPrint never holds all of it at once.

WeasyPrint keeps every laid-out page of a document (boxes, styles, text layouts) until the PDF
is written: the 1,000-participant minutes (132 pages) peaked at 775 MB, about 4 MB a page. Here
the document is laid out a few pages at a time, each part written to PDF and dropped before the
next is laid out, then the parts are joined into one archival PDF. The result looks the same page
for page as the document rendered whole:

- Where a part may end. The template marks with `data-part` the elements a page may start with
  (a row of a long table, a region's heading, the annex's title). A part is the document's HTML
  from one such element to another, later one (the elements before it left out, except the
  <head>, the heads of its tables, which a continued table repeats anyway, and the elements marked
  `data-every-part`, such as the draft watermark). It is laid out, and only its pages before the
  last page that starts with a marked element are kept: those pages saw the same content up to
  and past their end as in the whole document, so they break where it would. The next part starts
  with that element, at the top of its first page, as the whole document's page did.
- "Halaman x dari y". The total is known only once every part is laid out, so the parts leave the
  footer's box empty (same box, nothing drawn) and each page gets its footer afterwards, from one
  cheap document of empty pages laid out with the same page rules, drawn as an artifact (the
  running footer is no content for screen readers, as in a whole WeasyPrint document).
- The join (pypdf reads one part at a time, WeasyPrint's pydyf writes) keeps the archival PDF:
  the first part's catalog entries (language, PDF/A-3b metadata, output intent, marked) and
  document information; one structure tree (each part's elements under the one /Document element,
  their page keys renumbered in the parent tree); the named destinations (the signature slot,
  `#e-signature`, is found by name); the outline, rebuilt from every page's bookmarks as WeasyPrint
  builds it for a whole document. Each part embeds its own subsets of the fonts, so the file is
  somewhat larger than the whole rendering (1.99 MB against 1.72 MB for the 1,000-participant
  minutes).
"""
import gc
import html as html_escape
import io
from types import SimpleNamespace

import pydyf
import tinyhtml5
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

PART_MARK = "data-part"
EVERY_PART_MARK = "data-every-part"
# Marked elements per part to begin with: about five pages of the minutes' commitments (22 rows a
# page), four of its annex (35), some 45 MB of layout. Smaller parts lay out more pages twice (the
# last page of each part is laid out again as the next one's first). A part whose pages hold no
# marked element at their top grows until one does.
PART_SIZE = 120
# Each part's first page is a page like any other, not the document's first: it keeps the running
# title; the page number is left to the footer documents (its box stays, empty).
# Its first element has no top margin: in the whole document it follows a page break that the
# layout chose, and WeasyPrint truncates the margins there (margin-break: auto).
CONTINUED_PAGES_CSS = ("@page :first { @top-right { content: string(running-title); } } "
                       f"[{PART_MARK}-first] {{ margin-top: 0 !important; }}")
NO_PAGE_NUMBER_CSS = '@page { @bottom-right { content: ""; } }'
FOOTER_ONLY_CSS = ('@page { @top-right { content: none; } @bottom-left { content: ""; } } '
                   'html, body { margin: 0; padding: 0; } .page-break { break-before: page; }')
FOOTER_XOBJECT = "/RakorPageNumber"


def marked_count(html) -> int:
    """How many elements of `html` a part may start with: what decides to render in parts."""
    return html.count(f" {PART_MARK}")


def render_in_parts(html, *, base_url, url_fetcher, write, part_size=None) -> bytes:
    """The PDF of `html` as `write(document)` writes a whole one (PDF/A-3b, tagged), laid out in
    parts of about `part_size` marked elements. The page numbers are drawn by a document written
    untagged: they are artifacts of the joined pages."""
    part_size = part_size or PART_SIZE
    # The collections between parts need only look at what the render made: the objects that were
    # there before it (the app's, some 300,000) are set aside meanwhile (0.2 s CPU a collection).
    gc.freeze()
    try:
        return _render_in_parts(html, base_url, url_fetcher, write, part_size)
    finally:
        gc.unfreeze()


def _render_in_parts(html, base_url, url_fetcher, write, part_size):
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    tree = _Tree(root)
    parts, pages = [], []
    start = None  # the marked element this part starts with (None: the document's beginning)
    size = part_size
    while True:
        end = tree.marked_after(start, size)
        document = HTML(string=tree.html(start, end, continued=start is not None), base_url=base_url,
                        url_fetcher=url_fetcher).render()
        if end is None:
            kept, next_start = len(document.pages), None
        else:
            kept, next_start = _last_marked_page_start(document, tree)
            if not kept:  # no page after the first starts with a marked element: a larger part
                size *= 2
                continue
        kept_pages = document.pages[:kept]
        pages.extend(SimpleNamespace(bookmarks=p.bookmarks, height=p.height, width=p.width) for p in kept_pages)
        parts.append(write(document.copy(kept_pages)))
        del document, kept_pages
        # A laid-out document is full of reference cycles; during a render the collector runs
        # seldom (rakor.documents.pdf.fewer_gc_pauses), so without this the parts' layouts would
        # pile up until it did (440 MB instead of 290 for the 1,000-participant minutes).
        gc.collect()
        if next_start is None:
            break
        start, size = next_start, part_size
    footer_html = tree.footer_pages_html(len(pages))
    del tree, root
    footers = HTML(string=footer_html, base_url=base_url, url_fetcher=url_fetcher).render().write_pdf()
    return join(parts, footers, pages)


class _Tree:
    """The parsed HTML, its elements numbered in document order, cut into parts' HTML."""

    def __init__(self, root):
        self.root = root
        self.order, self.last = {}, {}
        self.marked = []
        self._number(root)

    def _number(self, root):
        counter = 0
        stack = [(root, False)]
        while stack:
            element, done = stack.pop()
            if done:
                self.last[element] = counter - 1
                continue
            self.order[element] = counter
            counter += 1
            if element.get(PART_MARK) is not None:
                self.marked.append(element)
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
        self.position = {}
        for i, element in enumerate(self.marked):
            self.position[element] = i
            element.set(PART_MARK, str(i))  # written into every part: which element a page starts with

    def marked_after(self, start, count):
        """The marked element `count` after `start`, or None past the last."""
        index = (self.position[start] if start is not None else -1) + count
        return self.marked[index] if index < len(self.marked) else None

    def html(self, start, end, *, continued):
        """The document from `start` (inclusive) to `end` (exclusive), None meaning its beginning
        or end. Kept before `start`: the <head>, the head of a table that `start` is in, the
        elements marked to be on every part."""
        first = self.order[start] if start is not None else 0
        stop = self.order[end] if end is not None else len(self.order)
        extra_css = NO_PAGE_NUMBER_CSS + (CONTINUED_PAGES_CSS if continued else "")
        out = ["<!doctype html>"]
        self._write(self.root, first, stop, out, extra_css)
        return "".join(out)

    def _write(self, element, first, stop, out, extra_css):
        out.append(_start_tag(element, first=self.order[element] == first))
        if self.order[element] >= first and element.text:
            out.append(html_escape.escape(element.text, quote=False))
        for child in element:
            begins, ends = self.order[child], self.last[child]
            if begins >= stop:
                break
            if child.tag == "head":
                self._write_head(child, out, extra_css)
                continue
            if ends < first:
                if child.tag in ("thead", "colgroup") or child.get(EVERY_PART_MARK) is not None:
                    out.append(_whole(child))
                continue
            if begins >= first and ends < stop:
                out.append(_whole(child, first=begins == first))
            else:
                self._write(child, first, stop, out, extra_css)
        out.append(f"</{element.tag}>")
        if element.tail and self.order[element] >= first:
            out.append(html_escape.escape(element.tail, quote=False))

    def _write_head(self, head, out, extra_css):
        out.append(_start_tag(head))
        out.extend(_whole(child) for child in head)
        out.append(f"<style>{extra_css}</style></head>")

    def footer_pages_html(self, count):
        """`count` empty pages with the document's page rules and nothing but "Halaman x dari y"."""
        head = next(child for child in self.root if child.tag == "head")
        body = next(child for child in self.root if child.tag == "body")
        out = [f"<!doctype html>{_start_tag(self.root)}"]
        self._write_head(head, out, FOOTER_ONLY_CSS)
        out.append(_start_tag(body))
        out.append("<div></div>" + '<div class="page-break"></div>' * (count - 1))
        out.append("</body></html>")
        return "".join(out)


def _start_tag(element, first=False):
    attributes = "".join(f' {name}="{html_escape.escape(value, quote=True)}"' for name, value in element.attrib.items())
    return f"<{element.tag}{attributes}{f' {PART_MARK}-first' if first else ''}>"


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def _whole(element, first=False):
    out = []
    stack = [(element, False)]
    while stack:
        node, done = stack.pop()
        if done:
            out.append(f"</{node.tag}>")
            if node.tail:
                out.append(html_escape.escape(node.tail, quote=False))
            continue
        if not isinstance(node.tag, str):  # a comment
            if node.tail:
                out.append(html_escape.escape(node.tail, quote=False))
            continue
        out.append(_start_tag(node, first=first and node is element))
        if node.tag in _VOID:
            if node.tail:
                out.append(html_escape.escape(node.tail, quote=False))
            continue
        if node.text:
            # <style> and <script> are raw text in HTML: written as they came.
            out.append(node.text if node.tag in ("style", "script") else html_escape.escape(node.text, quote=False))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(out)


def _last_marked_page_start(document, tree):
    """(pages to keep, the marked element the next part starts with): the last page after the
    first whose content starts with a marked element, or (0, None). Not an element that began on
    the page before (a row taller than a page, split): the next part would print its start again."""
    for index in range(len(document.pages) - 1, 0, -1):
        element = _first_content(document.pages[index]._page_box)
        if element is not None and element.get(PART_MARK) is not None \
                and not _shows(document.pages[index - 1]._page_box, element):
            return index, _source_element(tree, element)
    return 0, None


def _shows(page_box, element):
    stack = [page_box]
    while stack:
        box = stack.pop()
        if box.element is element:
            return True
        if isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return False


def _first_content(page_box):
    """The element of the first thing a page shows in its flow: a marked element, or the element of
    the first text or image, skipping the margin boxes, a table's repeated head and fixed boxes."""
    stack = list(reversed(page_box.children))
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.MarginBox) or getattr(box, "is_header", False):
            continue
        element = box.element
        if element is not None and element.get(EVERY_PART_MARK) is not None:
            continue
        if box.style["position"] == "fixed":
            continue
        if element is not None and element.get(PART_MARK) is not None and box.element_tag == element.tag:
            return element
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
            return element
        if isinstance(box, boxes.ParentBox):
            stack.extend(reversed(box.children))
    return None


def _source_element(tree, laid_out):
    """The element of the whole document's tree that a part's (parsed again) element came from:
    each marked element carries its number in the document (`_Tree`)."""
    return tree.marked[int(laid_out.get(PART_MARK))]


# --- the join ---------------------------------------------------------------------------------
# The parts are copied object by object, as bytes, into one pydyf PDF (WeasyPrint's own writer,
# which packs the small objects into a compressed object stream as WeasyPrint does). pypdf only
# reads, one part at a time: a pypdf writer holding the joined document's objects (some 40,000
# structure elements for the 1,000-participant minutes) took 275 MB, as much as the layout saved.

class _Raw(pydyf.Object):
    """An object of the joined PDF, already written as bytes (filled in once its references are known)."""

    def __init__(self, is_stream=False):
        super().__init__()
        self.raw = b"null"
        self.is_stream = is_stream

    @property
    def data(self):
        return self.raw

    @property
    def compressible(self):
        return not self.is_stream


def _reference(number):
    return f"{number} 0 R".encode()


class _Copier:
    """Copies the objects of one part (a pypdf reader) into the joined PDF, renumbered."""

    def __init__(self, pdf, reader, fixed=None):
        self.pdf, self.reader = pdf, reader
        self.numbers = dict(fixed or {})  # the part's object number -> the joined PDF's

    def number(self, reference):
        """The joined PDF's number of the part's object `reference`, copying it (and what it refers
        to) the first time."""
        idnum = reference.idnum
        if idnum not in self.numbers:
            pending, copied = [idnum], []
            while pending:
                current = pending.pop()
                if current in self.numbers:
                    continue
                obj = self.reader.get_object(current)
                placeholder = _Raw(is_stream=isinstance(obj, StreamObject))
                self.pdf.add_object(placeholder)
                self.numbers[current] = placeholder.number
                pending.extend(r.idnum for r in _references(obj) if r.idnum not in self.numbers)
                copied.append((placeholder, obj))
            for placeholder, obj in copied:
                placeholder.raw = self.write(obj, top=True)
        return self.numbers[idnum]

    def write(self, obj, top=False, replace=None):
        """`obj` as PDF bytes, its references renumbered; `replace`: values of a dictionary's keys."""
        if isinstance(obj, IndirectObject):
            return _reference(self.number(obj))
        if isinstance(obj, StreamObject) and top:
            data = obj._data
            entries = {**obj, "/Length": len(data)}
            return self._dictionary(entries, replace) + b"\nstream\n" + data + b"\nendstream"
        if isinstance(obj, DictionaryObject):
            return self._dictionary(obj, replace)
        if isinstance(obj, ArrayObject):
            return b"[" + b" ".join(self.write(item) for item in list.__iter__(obj)) + b"]"
        if isinstance(obj, int) and not isinstance(obj, bool):
            return str(int(obj)).encode()
        out = io.BytesIO()
        obj.write_to_stream(out)
        return out.getvalue()

    def _dictionary(self, entries, replace=None):
        replace = replace or {}
        items = []
        for key, value in dict.items(entries) if isinstance(entries, dict) else entries.items():
            if key in replace:
                value = replace[key]
                if value is None:
                    continue
                items.append(key.encode() + b" " + value)
            else:
                items.append(key.encode() + b" " + (value if isinstance(value, bytes) else self.write(value)))
        return b"<<" + b" ".join(items) + b">>"


def _references(obj):
    stack = [obj]
    while stack:
        current = stack.pop()
        if isinstance(current, IndirectObject):
            yield current
        elif isinstance(current, dict):
            stack.extend(dict.values(current))
        elif isinstance(current, list):
            stack.extend(list.__iter__(current))


def join(parts, footers, pages) -> bytes:
    """One PDF of the parts' pages in order, each with its page number drawn from `footers`."""
    pdf = pydyf.PDF()
    struct_root, parent_tree, document_element = _Raw(), _Raw(), _Raw()
    for obj in (struct_root, parent_tree, document_element):
        pdf.add_object(obj)
    # The page number over each page: its content, then the footer's, marked as an artifact.
    before, after = _Raw(is_stream=True), _Raw(is_stream=True)
    before.raw = b"<</Length 2>>\nstream\nq\n\nendstream"
    drawn = f"Q\n/Artifact BMC q {FOOTER_XOBJECT} Do Q EMC\n".encode()
    after.raw = b"<</Length %d>>\nstream\n" % len(drawn) + drawn + b"\nendstream"
    pdf.add_object(before)
    pdf.add_object(after)
    footer_forms = _footer_forms(pdf, PdfReader(io.BytesIO(footers)))

    kids, nums, dests, page_numbers = [], [], [], []
    offset = 0
    for index, part in enumerate(parts):
        reader = PdfReader(io.BytesIO(part))
        catalog = reader.trailer["/Root"]
        part_struct = catalog["/StructTreeRoot"]
        part_document = part_struct.raw_get("/K")[0]
        copier = _Copier(pdf, reader, fixed={part_document.idnum: document_element.number,
                                             catalog.raw_get("/Pages").idnum: pdf.pages.number})
        if index == 0:
            _catalog_and_info(pdf, copier, catalog, reader.trailer["/Info"])
        for page in reader.pages:
            page_numbers.append(_copy_page(pdf, copier, page, offset, footer_forms[len(page_numbers)],
                                           before.number, after.number))
        kids.extend(copier.write(kid) for kid in list.__iter__(part_document.get_object()["/K"]))
        part_nums = part_struct["/ParentTree"]["/Nums"]
        keys = []
        for i in range(0, len(part_nums), 2):
            keys.append(int(part_nums[i]))
            nums.append(b"%d %s" % (int(part_nums[i]) + offset, copier.write(list.__getitem__(part_nums, i + 1))))
        if "/Names" in catalog and "/Dests" in catalog["/Names"]:
            entries = catalog["/Names"]["/Dests"]["/Names"]
            dests.extend((str(entries[i]), copier.write(list.__getitem__(entries, i + 1)))
                         for i in range(0, len(entries), 2))
        offset += max(keys) + 1
        del reader, copier
        gc.collect()  # a pypdf reader's objects refer to it: freed only by the collector

    document_element.raw = (b"<</Type /StructElem /S /Document /K [" + b" ".join(kids) + b"] /P "
                            + struct_root.reference + b">>")
    parent_tree.raw = b"<</Nums [" + b" ".join(nums) + b"]>>"
    struct_root.raw = (b"<</Type /StructTreeRoot /ParentTree " + parent_tree.reference + b" /K ["
                       + document_element.reference + b"] /ParentTreeNextKey %d>>" % offset)
    pdf.catalog["StructTreeRoot"] = struct_root.reference
    if dests:
        dests.sort(key=lambda pair: pair[0])
        pdf.catalog["Names"] = pydyf.Dictionary({"Dests": pydyf.Dictionary({"Names": pydyf.Array(
            b"%s %s" % (pydyf.String(name).data, destination) for name, destination in dests)})})
    _outline(pdf, pages, page_numbers)
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", identifier=True, compress=True)
    return out.getvalue()


def _catalog_and_info(pdf, copier, catalog, info):
    """The first part's catalog entries (language, PDF/A metadata and output intent, viewer
    preferences, marked) and document information are the joined document's."""
    for key, value in dict.items(catalog):
        if key not in ("/Type", "/Pages", "/StructTreeRoot", "/Names", "/Outlines"):
            pdf.catalog[key[1:]] = copier.write(value)
    for key, value in dict.items(info.get_object()):
        pdf.info[key[1:]] = copier.write(value)


def _footer_forms(pdf, footers):
    """Each footer page as a form XObject of the joined PDF (its fonts copied once)."""
    copier = _Copier(pdf, footers)
    forms = []
    for page in footers.pages:
        content = page["/Contents"]
        data = content._data
        form = _Raw(is_stream=True)
        entries = {"/Type": b"/XObject", "/Subtype": b"/Form",
                   "/BBox": copier.write(page.raw_get("/MediaBox")),
                   "/Resources": copier.write(page.raw_get("/Resources")), "/Length": str(len(data)).encode()}
        if "/Filter" in content:
            entries["/Filter"] = copier.write(content.raw_get("/Filter"))
        form.raw = copier._dictionary(entries) + b"\nstream\n" + data + b"\nendstream"
        pdf.add_object(form)
        forms.append(form.number)
    return forms


def _copy_page(pdf, copier, page, offset, footer_form, before, after):
    """The page in the joined PDF: its key in the parent tree moved by `offset`, its annotations'
    too, the footer's form among its resources, drawn after its content. Returns its number."""
    pdf_page = _Raw()
    pdf.add_page(pdf_page)
    copier.numbers[page.indirect_reference.idnum] = pdf_page.number  # before anything refers to it
    resources = page["/Resources"]
    xobjects = dict(dict.items(resources["/XObject"])) if "/XObject" in resources else {}
    xobject_entries = {**xobjects, FOOTER_XOBJECT: _reference(footer_form)}
    page_resources = copier._dictionary(resources, replace={"/XObject": copier._dictionary(xobject_entries)}) \
        if "/XObject" in resources else copier._dictionary(
            {**dict(dict.items(resources)), "/XObject": copier._dictionary(xobject_entries)})
    contents = page.raw_get("/Contents")
    contents = list.__iter__(contents) if isinstance(contents, list) else [contents]
    contents_bytes = b"[" + b" ".join([_reference(before), *(copier.write(c) for c in contents),
                                       _reference(after)]) + b"]"
    replace = {"/Resources": page_resources, "/Contents": contents_bytes, "/Parent": pdf.pages.reference}
    if "/StructParents" in page:
        replace["/StructParents"] = str(int(page["/StructParents"]) + offset).encode()
    if "/Annots" in page:
        annotations = []
        for annotation in list.__iter__(page.raw_get("/Annots")):
            entries = annotation.get_object()
            moved = {}
            if "/StructParent" in entries:
                moved["/StructParent"] = str(int(entries["/StructParent"]) + offset).encode()
            copy = _Raw()
            pdf.add_object(copy)
            copier.numbers[annotation.idnum] = copy.number  # its structure element refers to it
            copy.raw = copier._dictionary(entries, replace=moved)
            annotations.append(copy.reference)
        replace["/Annots"] = b"[" + b" ".join(annotations) + b"]"
    pdf_page.raw = copier._dictionary(page, replace=replace)
    return pdf_page.number


def _outline(pdf, pages, page_numbers):
    """The outline of the whole document, built by WeasyPrint's own rule from every page's bookmarks."""
    tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), scale=0.75, transform_pages=True)
    if not tree:
        return
    root = _Raw()
    pdf.add_object(root)

    def add(items, parent):
        """Items as outline entries under `parent`: (first, last, visible count)."""
        entries, count = [], len(items)
        for label, (page, x, y), children, state in items:
            entry = _Raw()
            pdf.add_object(entry)
            entries.append((entry, label, page, x, y, children, state))
        for i, (entry, label, page, x, y, children, state) in enumerate(entries):
            first, last, child_count = add(children, entry) if children else (None, None, 0)
            if state != "closed":
                count += child_count
            fields = [b"/Title " + pydyf.String(label).data, b"/Parent " + parent.reference,
                      b"/Dest [%s /XYZ %s %s 0]" % (_reference(page_numbers[page]), pydyf._to_bytes(float(x)),
                                                    pydyf._to_bytes(float(y)))]
            if first is not None:
                fields += [b"/First " + first.reference, b"/Last " + last.reference,
                           b"/Count %d" % (child_count if state != "closed" else -child_count)]
            else:
                fields.append(b"/Count 0")
            if i:
                fields.append(b"/Prev " + entries[i - 1][0].reference)
            if i + 1 < len(entries):
                fields.append(b"/Next " + entries[i + 1][0].reference)
            entry.raw = b"<<" + b" ".join(fields) + b">>"
        return entries[0][0], entries[-1][0], count

    first, last, count = add(tree, root)
    root.raw = b"<</Count %d /First %s /Last %s>>" % (count, first.reference, last.reference)
    pdf.catalog["Outlines"] = root.reference

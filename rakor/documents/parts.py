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
- The join (pypdf) keeps the archival PDF: the first part's catalog, PDF/A-3b metadata, output
  intent and document information; one structure tree (each part's elements under the one
  /Document element, their page keys renumbered in the parent tree); the named destinations (the
  signature slot, `#e-signature`, is found by name); the outline, rebuilt from every page's
  bookmarks as WeasyPrint builds it for a whole document.
"""
import html as html_escape
import io
from types import SimpleNamespace

import tinyhtml5
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

PART_MARK = "data-part"
EVERY_PART_MARK = "data-every-part"
# Marked elements per part to begin with: about six pages of the minutes' tables (35 to 40 rows a
# page). A part whose pages hold no marked element at their top grows until one does.
PART_SIZE = 240
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
        if next_start is None:
            break
        start, size = next_start, part_size
    footers = HTML(string=tree.footer_pages_html(len(pages)), base_url=base_url,
                   url_fetcher=url_fetcher).render().write_pdf()
    return join(parts, footers, pages)


class _Tree:
    """The parsed HTML, its elements numbered in document order, cut into parts' HTML."""

    def __init__(self, root):
        self.root = root
        self.order, self.last = {}, {}
        self.marked = []
        self.parent = {}
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
            for child in reversed(element):
                self.parent[child] = element
                stack.append((child, False))
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
    first whose content starts with a marked element, or (0, None)."""
    for index in range(len(document.pages) - 1, 0, -1):
        element = _first_content(document.pages[index]._page_box)
        if element is not None and element.get(PART_MARK) is not None:
            return index, _source_element(tree, element)
    return 0, None


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

def join(parts, footers, pages) -> bytes:
    """One PDF of the parts' pages in order, each with its page number drawn from `footers`."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(parts[0])))
    catalog = writer._root_object
    struct_root = catalog["/StructTreeRoot"].get_object()
    document_element = struct_root["/K"][0].get_object()
    parent_tree = struct_root["/ParentTree"].get_object()
    nums = parent_tree["/Nums"]
    dests = catalog["/Names"]["/Dests"]["/Names"] if "/Names" in catalog and "/Dests" in catalog["/Names"] else None
    for part in parts[1:]:
        reader = PdfReader(io.BytesIO(part))
        offset = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
        for page in reader.pages:
            added = writer.add_page(page)  # which leaves out /StructParents
            if "/StructParents" in page:
                added[NameObject("/StructParents")] = NumberObject(int(page["/StructParents"]) + offset)
            for annotation in added.get("/Annots", ()):
                annotation = annotation.get_object()
                if "/StructParent" in annotation:
                    annotation[NameObject("/StructParent")] = NumberObject(int(annotation["/StructParent"]) + offset)
        part_root = reader.trailer["/Root"]
        part_document = part_root["/StructTreeRoot"]["/K"][0]
        # The part's /Document element is the joined document's: its elements (and those of its
        # margin boxes, which only the parent tree refers to) are cloned with that parent. pypdf
        # has no public way to say "this object is that one" when cloning; this is its own table.
        writer._id_translated.setdefault(id(reader), {"PreventGC": reader})[part_document.idnum] = \
            struct_root["/K"][0].idnum
        for kid in part_document.get_object()["/K"]:
            document_element["/K"].append(kid.clone(writer))
        part_nums = part_root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
        for i in range(0, len(part_nums), 2):
            nums.append(NumberObject(int(part_nums[i]) + offset))
            nums.append(part_nums[i + 1].clone(writer))
        if dests is not None and "/Names" in part_root and "/Dests" in part_root["/Names"]:
            part_dests = part_root["/Names"]["/Dests"]["/Names"]
            for i in range(0, len(part_dests), 2):
                dests.append(part_dests[i].clone(writer))
                dests.append(part_dests[i + 1].clone(writer))
        del reader
    if dests is not None:
        pairs = sorted(((dests[i], dests[i + 1]) for i in range(0, len(dests), 2)), key=lambda pair: str(pair[0]))
        dests.clear()
        for name, destination in pairs:
            dests.extend((name, destination))
    _draw_page_numbers(writer, PdfReader(io.BytesIO(footers)))
    _outline(writer, pages)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_page_numbers(writer, footers):
    """Each page's footer page drawn over it as a form XObject, marked as an artifact."""
    for page, footer in zip(writer.pages, footers.pages, strict=True):
        form = DecodedStreamObject()
        form.set_data(footer.get_contents().get_data())
        form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject(FloatObject(v) for v in footer.mediabox),
                     NameObject("/Resources"): footer["/Resources"].clone(writer)})
        form_ref = writer._add_object(form)
        # Copies: WeasyPrint shares one resource dictionary between all the pages of a document.
        resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
        xobjects = DictionaryObject(resources["/XObject"].get_object()) if "/XObject" in resources \
            else DictionaryObject()
        xobjects[NameObject(FOOTER_XOBJECT)] = form_ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(f"Q\n/Artifact BMC q {FOOTER_XOBJECT} Do Q EMC\n".encode())
        contents = page["/Contents"]
        contents = list(contents) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *contents, writer._add_object(after)])


def _outline(writer, pages):
    """The outline of the whole document, built by WeasyPrint's own rule from every page's bookmarks."""
    catalog = writer._root_object
    catalog.pop("/Outlines", None)
    tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), scale=0.75, transform_pages=True)

    def add(items, parent):
        for label, (page_number, x, y), children, state in items:
            item = writer.add_outline_item(title=TextStringObject(label), page_number=page_number, parent=parent,
                                           fit=_xyz(x, y), is_open=state != "closed")
            add(children, item)

    add(tree, None)


def _xyz(x, y):
    from pypdf.generic import Fit

    return Fit.xyz(left=x, top=y, zoom=0)

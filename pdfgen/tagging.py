"""Tagged PDF: the structure tree of a document, and the marked content that ties it to the page.

`Flow` records, while it turns the document tree into flowables, a template of the structure
(`Struct`: H1, P, L/LI, Figure, Table, Link, Aside...) and which flowable stands for which
element. The flowables that draw content (paragraphs, figures, the logo) ask the canvas's
`Tagger` to wrap what they draw in `BDC … EMC` with a marked-content id; furniture (rules,
crop marks, table lines, the footer, a repeated heading) is drawn as an `/Artifact`. When the
canvas is saved the tagger writes the structure tree, the parent tree, /MarkInfo and the XMP
metadata (and, for PDF/A-2b, the sRGB output intent).

Templates may be shared between builds (a batch caches its cards); everything a build learns
while drawing (ids, pages, annotations) lives in its own Tagger, keyed by scope and element.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString
from reportlab.pdfbase.pdfdoc import format as fmt
from reportlab.pdfgen.canvas import Canvas

from pdfgen import pdfa, rl_private
from pdfgen.document import plain

ROLE_MAP = {"Aside": "Sect"}  # PDF 2.0's Aside is not a PDF 1.7 standard type: mapped for PDF/UA-1 readers


@dataclass(eq=False, slots=True)
class Node:
    """One structure element of a template: its type, what it holds, and its attributes."""

    type: str
    children: list[Node] | None = None  # a list once it has any (most elements are leaves)
    alt: str | None = None  # Figure: what the drawing shows, in words
    url: str | None = None  # Link: where the annotation goes
    text: str | None = None  # ActualText: the words, spaced as written (line ends carry no space in the PDF)...
    source: Any = None  # ... or the paragraph whose words they are, read only if it is drawn
    attrs: dict[str, Any] | None = None  # layout attributes, e.g. {"O": "Table", "Scope": "Column"}


def _words(flowable: Any) -> str | None:
    """A paragraph's text as plain words (None for a drawing)."""
    markup = getattr(flowable, "text", None)
    return plain(markup) if isinstance(markup, str) else None


class Struct:
    """The structure template a Flow builds: a root, and which flowable marks which element."""

    def __init__(self) -> None:
        self.root = Node("Div", children=[])
        self.marks: dict[int, Node] = {}
        self._stack = [self.root]

    def add(self, type_: str, **kw: Any) -> Node:
        node = Node(type_, **kw)
        parent = self._stack[-1]
        if parent.children is None:
            parent.children = [node]
        else:
            parent.children.append(node)
        return node

    def under(self, type_: str, **kw: Any) -> _Under:
        """Elements made inside the `with` block are children of a new `type_` element."""
        return _Under(self, self.add(type_, **kw))

    def mark(self, flowable: Any, type_: str | None, **kw: Any) -> Any:
        """`flowable` draws a new element of `type_` (None: it draws nothing of the structure)."""
        if flowable is not None and type_ is not None:
            self.marks[id(flowable)] = self.add(type_, source=flowable, **kw)
        return flowable

    def mark_item(self, flowable: Any) -> Any:
        """A list item: its bullet is the Lbl, its text the LBody."""
        node = self.add("LI", children=[Node("Lbl", text=flowable.bulletText), Node("LBody", source=flowable)])
        self.marks[id(flowable)] = node
        return flowable


class _Under:
    """The `with` block of Struct.under (a class: a generator context manager costs more, and a
    build enters hundreds)."""

    __slots__ = ("struct", "node")

    def __init__(self, struct: Struct, node: Node) -> None:
        self.struct, self.node = struct, node

    def __enter__(self) -> Node:
        self.struct._stack.append(self.node)
        return self.node

    def __exit__(self, *exc: object) -> None:
        self.struct._stack.pop()


@dataclass
class _Elem:
    """What one element of one scope got on the pages: marked-content ids and annotations."""

    parts: list[tuple[int, Any]] = field(default_factory=list)  # (page index, MCID or annotation reference)
    lines: int = 0  # lines of text drawn: a paragraph of several gets its words as ActualText


class Tagger:
    """The marked content of one canvas, and at save the structure tree built from it."""

    def __init__(self, pdfa: bool = False) -> None:
        self.pdfa = pdfa
        self.scopes: list[tuple[str | None, Struct]] = []  # in reading order
        self.scope: int | None = None
        self.elems: dict[tuple[int, int], _Elem] = {}
        self.drawn: dict[int, Any] = {}  # id -> leaf drawn in this scope (held, so ids stay unique)
        self.page_key: int | None = None  # this page's StructParents, once it has marked content
        self.page_mcids: list[Node] = []
        self.parents: list[tuple[int, Any]] = []  # parent tree: (key, [(scope, node)...] or (scope, node))
        self.page_keys: dict[int, int] = {}
        self.next_key = 0

    # ----------------------------------------------------------- while drawing

    def enter(self, struct: Struct, group: str | None = None) -> None:
        """Draw the flowables of `struct` from now on (a page document's one scope, or one card as a `group`)."""
        self.scopes.append((group, struct))
        self.scope = len(self.scopes) - 1
        self.drawn = {}

    def _node(self, leaf: Any) -> Node | None:
        if self.scope is None:
            return None
        marks = self.scopes[self.scope][1].marks
        node = marks.get(id(leaf))
        if node is None:
            node = marks.get(getattr(leaf, "_kc_origin", None))
        if node is None or id(leaf) in self.drawn:  # a repeat (a box title on its next page): furniture
            return None
        self.drawn[id(leaf)] = leaf
        return node

    def _mcid(self, canvas: Canvas, node: Node, lines: int = 0) -> int:
        if self.page_key is None:
            self.page_key, self.next_key = self.next_key, self.next_key + 1
            self.page_mcids = []
        mcid = len(self.page_mcids)
        self.page_mcids.append(self._key(node))
        elem = self.elems.setdefault(self._key(node), _Elem())
        elem.parts.append((canvas.getPageNumber() - 1, mcid))
        elem.lines += lines
        return mcid

    def _key(self, node: Node) -> Any:
        return (self.scope, id(node))

    def begin(self, leaf: Any, canvas: Canvas) -> Node | None:
        """Open the marked content of `leaf`: its element's BDC, or an Artifact. Returns its element."""
        node = self._node(leaf)
        if node is None:
            canvas.addLiteral("/Artifact BMC")
        elif node.type == "LI":
            if getattr(leaf, "bulletText", None):
                canvas.addLiteral(f"/Lbl <</MCID {self._mcid(canvas, node.children[0])}>> BDC")
            else:
                canvas.addLiteral(f"/LBody <</MCID {self._mcid(canvas, node.children[1], _lines(leaf))}>> BDC")
        else:
            canvas.addLiteral(f"/{node.type} <</MCID {self._mcid(canvas, node, _lines(leaf))}>> BDC")
        return node

    def after_label(self, canvas: Canvas, node: Node, leaf: Any) -> None:
        """The bullet is drawn: the list item's body follows."""
        canvas.addLiteral(f"EMC /LBody <</MCID {self._mcid(canvas, node.children[1], _lines(leaf))}>> BDC")

    def end(self, canvas: Canvas, node: Node | None, rect: tuple[float, float, float, float]) -> None:
        """Close the marked content; a Link gets its annotation over `rect` (current coordinates)."""
        canvas.addLiteral("EMC")
        if node is not None and node.url:
            key, self.next_key = self.next_key, self.next_key + 1
            canvas.linkURL(node.url, rect, relative=1, thickness=0, F=4, StructParent=key, Contents=PDFString(node.url))
            ref = rl_private.last_annotation(canvas)
            self.elems.setdefault(self._key(node), _Elem()).parts.append((canvas.getPageNumber() - 1, ref))
            self.parents.append((key, self._key(node)))

    def end_page(self) -> int | None:
        """The page is done: its StructParents key (None if it holds no marked content)."""
        key = self.page_key
        if key is not None:
            self.parents.append((key, list(self.page_mcids)))
        self.page_key = None
        return key

    # ----------------------------------------------------------- at save

    def finish(self, canvas: Canvas) -> None:
        """Write the structure tree, the parent tree and the catalog entries of a tagged PDF."""
        doc = rl_private.pdf_document(canvas)
        pages = [doc.Reference(p) for p in rl_private.pages(canvas)]
        refs: dict[Any, Any] = {}
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        top = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName("Document"), "P": root_ref})
        top_ref = doc.Reference(top)
        elems: list[_StructElem] = []
        for i, (group, struct) in enumerate(self.scopes):
            self.scope = i
            tops = (struct.root.children or []) if group is None else [Node(group, children=struct.root.children)]
            elems += [e for e in (self._emit(doc, c, pages, refs) for c in tops) if e is not None]
        for e in elems:
            e.parent = top_ref
        top["K"] = PDFArray([e.ref for e in elems])
        nums: list[Any] = []
        for key, value in sorted(self.parents, key=lambda kv: kv[0]):
            nums.append(key)
            nums.append(PDFArray([refs[k] for k in value]) if isinstance(value, list) else refs[value])
        root["K"] = PDFArray([top_ref])
        root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
        root["ParentTreeNextKey"] = self.next_key
        root["RoleMap"] = PDFDictionary({k: PDFName(v) for k, v in ROLE_MAP.items()})
        catalog = doc.Catalog
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})  # a str is written as is: the boolean true
        catalog.StructTreeRoot = root_ref
        catalog.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})
        rl_private.catalog_entry(catalog, "Metadata", doc.Reference(pdfa.metadata_stream(canvas, self.pdfa)))
        if self.pdfa:
            rl_private.catalog_entry(catalog, "OutputIntents", PDFArray([pdfa.output_intent(doc, canvas)]))

    def _emit(self, doc: Any, node: Node, pages: list[Any], refs: dict[Any, Any]) -> _StructElem | None:
        """The element and its children as PDF objects, children first; None for an element that
        got nothing drawn (an empty table cell is kept: it keeps the grid whole)."""
        children = []
        for c in node.children or ():
            e = self._emit(doc, c, pages, refs)
            if e is not None:
                children.append(e)
        drawn = self.elems.get((self.scope, id(node)))
        if drawn is None and not children and node.type not in ("TD", "TH"):
            return None
        elem = _StructElem(node)
        elem.ref = doc.Reference(elem)
        kids: list[Any] = []
        if drawn is not None:
            page = drawn.parts[0][0]
            elem.page = pages[page]
            elem.spaced = drawn.lines > 1
            for pg, part in drawn.parts:
                if isinstance(part, int):
                    kids.append(part if pg == page else PDFDictionary({"Type": PDFName("MCR"), "Pg": pages[pg], "MCID": part}))
                else:
                    kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Obj": part, "Pg": pages[pg]}))
        for child in children:
            child.parent = elem.ref
            kids.append(child.ref)
        elem.kids = kids
        elem.spaced = elem.spaced or node.text is not None
        refs[(self.scope, id(node))] = elem.ref
        return elem


class _StructElem(PDFObject):
    """A structure element, written straight to bytes (ReportLab's generic dictionary formatting
    cost about as much as the rest of the tagging)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.ref: Any = None
        self.parent: Any = None
        self.page: Any = None
        self.kids: list[Any] = []
        self.spaced = False  # ActualText wanted: the words of a paragraph of several lines

    def format(self, document: Any) -> bytes:
        node = self.node
        out = [b"<< /Type /StructElem /S /", node.type.encode("ascii"), b" /P ", self.parent.format(document)]
        if self.page is not None:
            out += [b" /Pg ", self.page.format(document)]
        if self.kids:
            kids = [str(k).encode("ascii") if isinstance(k, int) else fmt(k, document) for k in self.kids]
            out += [b" /K ", kids[0] if len(kids) == 1 else b"[" + b" ".join(kids) + b"]"]
        if self.spaced:
            text = node.text if node.text is not None else _words(node.source)
            if text:
                out += [b" /ActualText ", text_string(text)]
        if node.alt is not None:
            out += [b" /Alt ", text_string(node.alt)]
        if node.attrs:
            attrs = " ".join(f"/{k} /{v}" if isinstance(v, str) else f"/{k} {v}" for k, v in node.attrs.items())
            out += [b" /A << ", attrs.encode("ascii"), b" >>"]
        out.append(b" >>")
        return b"".join(out)


def text_string(text: str) -> bytes:
    """A PDF text string: ASCII as it is, anything else UTF-16BE with its byte order mark; escaped."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raw = ("\ufeff" + text).encode("utf-16-be")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(b"\r", b"\\r") + b")"


def _lines(leaf: Any) -> int:
    """How many lines a paragraph drew (0 for a drawing)."""
    bl = getattr(leaf, "blPara", None)
    return len(bl.lines) if bl is not None else 0


class TaggedCanvas(Canvas):
    """A canvas that tags: its `kc_tagger` marks content; each page gets its StructParents."""

    def __init__(self, *args: Any, pdfa: bool = False, scope: Struct | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.kc_tagger = Tagger(pdfa)
        if scope is not None:
            self.kc_tagger.enter(scope)

    def showPage(self) -> None:
        key = self.kc_tagger.end_page()
        super().showPage()
        rl_private.finish_page(self, key, self.kc_tagger.pdfa)

    def save(self) -> None:
        if rl_private.has_content(self):
            self.showPage()
        self.kc_tagger.finish(self)
        with rl_private.fast_pdfdoc_encoding():
            super().save()


@contextmanager
def artifact(canvas: Any) -> Iterator[None]:
    """What is drawn inside is page furniture (rules, marks, lines, the footer), not content."""
    tagging = hasattr(canvas, "kc_tagger")
    if tagging:
        canvas.addLiteral("/Artifact BMC")
    try:
        yield
    finally:
        if tagging:
            canvas.addLiteral("EMC")

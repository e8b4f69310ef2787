"""OCR of scanned pages and photos of forms (RapidOCR: the PP-OCRv4 Chinese detection and recognition
models shipped inside the `rapidocr-openvino` wheel, run on the CPU; nothing is downloaded at run
time). OpenVINO rather than onnxruntime: on one core of this machine, the same models on the same
page took ≈3.5 s against ≈9 s (recognition of ~120 text lines dominates).

A page image becomes the same page items the PDF reader builds from a text layer, so page
furniture, paragraph joining and table continuation across pages work alike:
- ruled tables are found from their lines (morphological opening with long horizontal and
  vertical kernels); each table's cells are the regions the lines enclose, its rows the distinct
  cell tops and its columns the distinct cell lefts, so a merged cell gives its text to its first
  row/column and "" to the others, as pdfplumber's tables do;
- each recognised text box goes to the cell holding its centre, or else to the free text, which
  is read in visual lines (boxes that overlap vertically, left to right);
- every line and cell keeps the lowest recognition confidence of its boxes, which the document
  carries per rendered line (`Document.ocr_confidence`) into `field_sources` and the checks.
"""
from __future__ import annotations

import io
import threading

import numpy as np

from perfeval.ingest.model import Document
from perfeval.ingest.readers import ReadError
from perfeval.ingest.readers.pdf import _assemble, _cell_text, _drop_page_furniture, _Line, _Page, _Table
from perfeval.ingest.readers.render import LineBuilder

MIN_DPI, MAX_DPI = 150, 200  # scanned PDF pages are rendered within these resolutions for recognition
MAX_SIDE = 4000           # photos are scaled down to this many pixels on their longer side
MIN_SIDE = 1000           # and small images up to this many on their shorter side
LOW_CONFIDENCE = 0.85     # a value read with less than this gets a check
INSTALL_HINT = "OCR needs the Python package rapidocr-openvino (pip install -r requirements.txt)"

_engine = None
_engine_lock = threading.Lock()


def _ocr_engine():
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_openvino import RapidOCR
            except ImportError as exc:
                raise ReadError(INSTALL_HINT) from exc
            # one thread: the ingest runs on one core, and the app serves other users meanwhile
            _engine = RapidOCR(inference_num_threads=1, use_cls=False)
        return _engine


def read_image(data: bytes, file_name: str = "") -> Document:
    """A photo or scan of a page (.png/.jpg/.tif/.bmp) read by OCR as a one-page document."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as im:
            frames = []
            for i in range(getattr(im, "n_frames", 1)):  # a multi-page TIFF: one page each
                im.seek(i)
                frames.append(_scaled(np.asarray(ImageOps.exif_transpose(im).convert("RGB"))))
    except Exception as exc:  # PIL raises many kinds for broken images
        raise ReadError(f"corrupt or unsupported image ({type(exc).__name__}: {exc})") from exc
    pages = [ocr_page(i + 1, img) for i, img in enumerate(frames)]
    doc = _document(pages, "image", file_name)
    doc.warnings.append("the image was read by OCR")
    return doc


def _scaled(img: np.ndarray) -> np.ndarray:
    import cv2

    h, w = img.shape[:2]
    scale = min(1.0, MAX_SIDE / max(h, w))
    if min(h, w) * scale < MIN_SIDE:
        scale = min(MIN_SIDE / min(h, w), MAX_SIDE / max(h, w))
    if abs(scale - 1.0) > 0.05:
        img = cv2.resize(img, (round(w * scale), round(h * scale)),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return img


def ocr_pdf_pages(data: bytes, pages: list[tuple[int, float]]) -> list[_Page]:
    """The given pages (1-based number, the scan's own resolution or 0) of a PDF, each rendered at
    its scan's resolution within MIN_DPI–MAX_DPI (more pixels than the scan has only cost time),
    and read by OCR."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return [ocr_page(n, pdf[n - 1].render(scale=min(MAX_DPI, max(MIN_DPI, dpi or MAX_DPI)) / 72)
                         .to_numpy()[:, :, :3]) for n, dpi in pages]
    finally:
        pdf.close()


def _document(pages: list[_Page], fmt: str, file_name: str) -> Document:
    if not any(p.n_chars for p in pages):
        raise ReadError("no text could be read from the image (blank, too blurred, or not a document)")
    _drop_page_furniture(pages)
    out = LineBuilder()
    _assemble(pages, out)
    return out.document(fmt, file_name)


def ocr_page(number: int, img: np.ndarray) -> _Page:
    """One page image → a _Page of visual lines and tables, top to bottom."""
    img = np.ascontiguousarray(_deskewed(img))
    result, _ = _ocr_engine()(img, use_cls=False)
    boxes = [_box(points, text, float(score)) for points, text, score in (result or []) if text.strip()]
    tables = [t for t in _find_tables(img) if len(t) >= 2]
    boxes = [part for b in boxes for part in _split_at_cell_borders(img, b, tables)]
    h, w = img.shape[:2]
    page = _Page(number, float(w), float(h), n_chars=sum(len(b.text) for b in boxes))
    free: list[_Line] = []
    per_cell: dict[tuple[int, int], list[_Line]] = {}
    for b in boxes:
        cx, cy = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2
        for ti, cells in enumerate(tables):
            hit = next((ci for ci, c in enumerate(cells) if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]), None)
            if hit is not None:
                per_cell.setdefault((ti, hit), []).append(b)
                break
        else:
            free.append(b)
    items: list = _visual_lines(free)
    for ti, cells in enumerate(tables):
        items.append(_grid(cells, {ci: _visual_lines(v) for (t, ci), v in per_cell.items() if t == ti}))
    items.sort(key=lambda it: it.top)
    page.items = items
    return page


def _split_at_cell_borders(img: np.ndarray, b: _Line, tables) -> list[_Line]:
    """A detected text line that runs across a cell border (two cells' text on one level, the
    rule between them thin) is recognised again cell by cell."""
    cy = (b.top + b.bottom) / 2
    spans = sorted((max(b.x0, c[0]), min(b.x1, c[2])) for cells in tables for c in cells
                   if c[1] <= cy <= c[3] and min(b.x1, c[2]) - max(b.x0, c[0]) > max(6.0, b.bottom - b.top))
    if len(spans) < 2:
        return [_dash(b)]
    out = []
    top, bottom = int(max(0, b.top)), int(b.bottom) + 1
    for x0, x1 in spans:
        crop = np.ascontiguousarray(img[top:bottom, int(x0):int(x1) + 1])
        result, _ = _ocr_engine()(crop, use_det=False, use_cls=False)
        for text, score in result or []:
            if text.strip():
                out.append(_dash(_Line(text.strip(), x0, x1, b.top, b.bottom, b.size, float(score))))
    return out or [_dash(b)]


# What a dash ("—", "-", an empty value in forms) is read as: it has no ideograph of its own.
_DASH_READINGS = {"一", "二", "一一", "_", "-", "--", "~", "－"}


def _dash(b: _Line) -> _Line:
    if b.text in _DASH_READINGS and (b.bottom - b.top) < 0.5 * (b.x1 - b.x0):
        b.text = "—"
    return b


def _cell_value(text: str) -> str:
    # a form's cell holding only a stroke is a dash, whatever ideograph the stroke resembled
    return "—" if text in _DASH_READINGS else text


def _box(points, text: str, score: float) -> _Line:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    top, bottom = min(ys), max(ys)
    return _Line(text.strip(), min(xs), max(xs), top, bottom, max(1.0, (bottom - top) * 0.8), score)


def _visual_lines(boxes: list[_Line]) -> list[_Line]:
    """Boxes on one visual line (overlapping vertically by half their height) joined left to right."""
    lines: list[list[_Line]] = []
    for b in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        cy = (b.top + b.bottom) / 2
        for line in lines:
            top = min(x.top for x in line)
            bottom = max(x.bottom for x in line)
            if top <= cy <= bottom and (min(bottom, b.bottom) - max(top, b.top)) >= 0.5 * (b.bottom - b.top):
                line.append(b)
                break
        else:
            lines.append([b])
    out = []
    for line in lines:
        line.sort(key=lambda b: b.x0)
        text = line[0].text
        for prev, nxt in zip(line, line[1:]):
            gap = nxt.x0 - prev.x1
            # a gap of a character or more was a space (two words, or two columns of a layout)
            text += (" " if gap > 0.5 * prev.size or (prev.text[-1:].isascii() and nxt.text[:1].isascii()) else "") + nxt.text
        out.append(_Line(text, line[0].x0, max(b.x1 for b in line), min(b.top for b in line),
                         max(b.bottom for b in line), sorted(b.size for b in line)[len(line) // 2],
                         min(b.conf for b in line)))
    out.sort(key=lambda ln: ln.top)
    return out


def _grid(cells: list[tuple[int, int, int, int]], texts: dict[int, list[_Line]]) -> _Table:
    """Cells (x0, top, x1, bottom) → rows by distinct tops, columns by distinct lefts."""
    tol = 8
    tops = _clusters([c[1] for c in cells], tol)
    lefts = _clusters([c[0] for c in cells], tol)
    rows = [[""] * len(lefts) for _ in tops]
    conf: list[list[float | None]] = [[None] * len(lefts) for _ in tops]
    for ci, (x0, top, x1, bottom) in enumerate(cells):
        r, c = _nearest(tops, top), _nearest(lefts, x0)
        lines = texts.get(ci, [])
        if lines:
            rows[r][c] = _cell_value(_cell_text(lines, (x0, top, x1, bottom)))
            conf[r][c] = min(ln.conf for ln in lines)
    return _Table(rows, float(min(c[1] for c in cells)), conf=conf)


def _clusters(values: list[int], tol: int) -> list[float]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _nearest(centres: list[float], v: float) -> int:
    return min(range(len(centres)), key=lambda i: abs(centres[i] - v))


def _deskewed(img: np.ndarray) -> np.ndarray:
    """A page scanned or photographed askew, turned straight: the median angle of its long,
    nearly horizontal lines (table rules, text baselines), when it is between 0.3° and 10°.
    Table rules are found with horizontal kernels, which miss them past a degree or so."""
    import cv2

    h, w = img.shape[:2]
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    small = cv2.resize(gray, (w * 600 // max(w, h), h * 600 // max(w, h)), interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(small, 50, 150)
    # angles in steps of 0.25°: the median of many lines is finer than a step, and a 0.1° grid cost
    # more than the rest of a page's layout work
    lines = cv2.HoughLinesP(edges, 1, np.pi / 720, threshold=100, minLineLength=small.shape[1] // 4, maxLineGap=4)
    if lines is None:
        return img
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4).astype(float)]
    angles = [a for a in angles if abs(a) < 10]
    if len(angles) < 3:
        return img
    angle = float(np.median(angles))
    if abs(angle) < 0.3:
        return img
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _find_tables(img: np.ndarray) -> list[list[tuple[int, int, int, int]]]:
    """Ruled tables: per table, its cells as (x0, top, x1, bottom) in pixels."""
    import cv2

    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 30), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    grid = cv2.dilate(horiz | vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if bw < w * 0.2 or bh < 20:
            continue
        region = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8) * 255
        # the regions the lines enclose; the outside of the table touches the region's border
        m, cl, cs, _ = cv2.connectedComponentsWithStats(255 - region, connectivity=4)
        cells = []
        for j in range(1, m):
            cx, cy, cw, ch, carea = cs[j]
            if cx == 0 or cy == 0 or cx + cw >= bw or cy + ch >= bh:
                continue
            if cw < 8 or ch < 8 or carea < 0.5 * cw * ch:
                continue
            cells.append((int(x + cx), int(y + cy), int(x + cx + cw), int(y + cy + ch)))
        if len(cells) >= 2:
            tables.append(cells)
    return tables

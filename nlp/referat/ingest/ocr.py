"""OCR: page images read with Tesseract's Danish model, through tesserocr.

Why tesserocr rather than ocrmypdf: referat needs the text of a page, not a
new PDF. ocrmypdf runs the `tesseract` program once per page, renders with
Ghostscript and writes a PDF that must then be read again; tesserocr calls
libtesseract in-process, keeps the model loaded (one API per thread, created
once), and releases the GIL while it recognises, so threads read pages in
parallel. On the same page images (bench/bench_ocr.py) referat takes 1.06
times the bare `tesseract` program's time and reads more words right (0.985
against 0.958, speck removal), ocrmypdf 1.37 times (0.972); the two parts of
ocrmypdf's pipeline that matter for minutes are done here: specks are removed
(`despeckle`, unpaper's noise filter in a few numpy lines), and a page that
reads badly is turned by Tesseract's own orientation detection (OSD) and read
again. Skew of a few degrees Tesseract's layout analysis handles itself.
Pages are read as one column (page segmentation mode 4): minutes hang their
item numbers and list letters in a margin ("1.   Meddelelser"), which the
default automatic mode cuts off into a block of their own.

Tesseract and the Danish model come from the system (Debian's
`tesseract-ocr`, `tesseract-ocr-dan`); `TESSDATA_PREFIX` points elsewhere.
Without them `Tesseract()` raises `OcrUnavailable` naming what to install.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from referat import limits
from referat.errors import InputError
from referat.model import OCR_MODES, PageOcr, Problem
from referat.resources import load_toml

ENGINE = "tesseract"
_REAL_WORD = re.compile(r"[^\W\d_]{4,}")


class OcrUnavailable(InputError):
    """A file needs OCR, and Tesseract or its Danish model is not installed."""

    code = "ocr_unavailable"


@dataclass(frozen=True)
class OcrSettings:
    """How a run OCRs: the mode, and how many pages are read at once."""

    mode: str = "auto"
    threads: int = 1

    def __post_init__(self) -> None:
        if self.mode not in OCR_MODES:
            raise ValueError(f"unknown OCR mode {self.mode!r}; expected one of {', '.join(OCR_MODES)}")
        if self.threads < 1:
            raise ValueError(f"OCR threads must be at least 1, not {self.threads}")


@dataclass(frozen=True)
class PageImage:
    """A page to read: the image (a PIL image) and its resolution in dots per inch."""

    image: object
    dpi: int


@dataclass(frozen=True)
class OcrText:
    """What OCR read on one page."""

    text: str
    ocr: PageOcr
    timed_out: bool = False


@dataclass
class Scanned:
    """What a reader of paged formats (PDF, scans) gives: the text per page and how it was read."""

    pages: list[str]
    page_ocr: list[PageOcr | None] = field(default_factory=list)  # empty: no page was OCR'd
    warnings: list[Problem] = field(default_factory=list)


def config() -> dict:
    return load_toml("ocr.toml")


def install_hint() -> str:
    return config()["tesseract"]["install_hint"]


def find_tessdata(language: str) -> Path | None:
    """The folder holding `<language>.traineddata`: TESSDATA_PREFIX first, then the usual places."""
    candidates = []
    if os.environ.get("TESSDATA_PREFIX"):
        prefix = Path(os.environ["TESSDATA_PREFIX"])
        candidates += [prefix, prefix / "tessdata"]
    candidates += [Path(d) for d in config()["tesseract"]["tessdata_dirs"]]
    return next((d for d in candidates if (d / f"{language}.traineddata").is_file()), None)


class Tesseract:
    """libtesseract with the Danish model: one API per thread, each loaded once."""

    def __init__(self, language: str | None = None):
        settings = config()["tesseract"]
        self.language = language or settings["language"]
        try:
            import tesserocr
        except ImportError as err:
            raise OcrUnavailable(f"this file needs OCR, and the tesserocr binding is not installed: "
                                 f"{install_hint()}") from err
        self.tessdata = find_tessdata(self.language)
        if self.tessdata is None:
            raise OcrUnavailable(f"this file needs OCR, and Tesseract's {self.language!r} model is not "
                                 f"installed: {install_hint()}")
        self._tesserocr = tesserocr
        self.version = tesserocr.tesseract_version().split()[1]
        self.timeout_ms = int(settings["page_timeout_s"] * 1000)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pools: dict[int, ThreadPoolExecutor] = {}

    def _api(self, language: str):
        apis = self._local.__dict__.setdefault("apis", {})
        if language not in apis:
            t = self._tesserocr
            psm = t.PSM.OSD_ONLY if language == "osd" else int(config()["tesseract"]["page_segmentation"])
            api = t.PyTessBaseAPI(path=str(self.tessdata) + os.sep, lang=language, psm=psm)
            apis[language] = api
        return apis[language]

    def read(self, page: PageImage) -> OcrText:
        """The text of one page image, its mean word confidence, turned first if it reads upside down."""
        image = prepare(page.image, page.dpi)
        text, confidence, timed_out = self._recognise(image, page.dpi)
        limits = config()["confidence"]
        if not timed_out and (confidence is None or confidence < limits["rotate_below"]):
            turned = self._turned(image, page.dpi, limits["rotate_confidence"])
            if turned is not None:
                text2, confidence2, timed_out2 = self._recognise(turned, page.dpi)
                if not timed_out2 and (confidence2 or 0) > (confidence or 0):
                    text, confidence = text2, confidence2
        return OcrText(text, PageOcr(ENGINE, self.version, confidence), timed_out)

    def _recognise(self, image, dpi: int) -> tuple[str, float | None, bool]:
        api = self._api(self.language)
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        if not api.Recognize(timeout=self.timeout_ms):
            return "", None, True
        words = api.AllWordConfidences()
        confidence = round(sum(words) / len(words) / 100, 3) if words else None
        return self._lines(api), confidence, False

    def _lines(self, api) -> str:
        """The recognised text line by line, as a text layer gives it, graphics left out.

        No blank lines between Tesseract's paragraphs or blocks: it starts
        them where a line is short or a gap is wide, and minutes break lines
        mid-phrase ("9,2 mio." / "kr."), which a blank line would tear apart;
        a text layer has none there either.

        A logo or a stamp reads as a short line of low confidence and no real
        word ("(sxej", "ede ar", "&5"); such lines go. A line with a word of
        four letters or more stays however unsure OCR is of it.
        """
        t = self._tesserocr
        junk_below = config()["confidence"]["junk_line"] * 100
        lines: list[str] = []
        iterator = api.GetIterator()
        if iterator is None:
            return ""
        for line in t.iterate_level(iterator, t.RIL.TEXTLINE):
            try:
                text = (line.GetUTF8Text(t.RIL.TEXTLINE) or "").strip()
            except RuntimeError:  # tesserocr's "No text returned": a line found, no text in it
                continue
            if not text or (line.Confidence(t.RIL.TEXTLINE) < junk_below and not _REAL_WORD.search(text)):
                continue
            lines.append(text)
        return "\n".join(lines) + "\n" if lines else ""

    def _turned(self, image, dpi: int, min_confidence: float):
        """The image turned upright, where orientation detection is sure it is not; else None."""
        if not (self.tessdata / "osd.traineddata").is_file():
            return None
        api = self._api("osd")
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        found = api.DetectOrientationScript()
        if not found or not found.get("orient_deg") or found.get("orient_conf", 0) < min_confidence:
            return None
        return image.rotate(found["orient_deg"], expand=True, fillcolor=255)  # clockwise -> counter

    def read_all(self, pages: Iterable[PageImage], threads: int = 1) -> Iterator[OcrText]:
        """Read pages in order, `threads` at a time; pages are produced (rendered) lazily.

        Rendering stays in the calling thread (PDFium is not thread-safe); at
        most twice `threads` images are held at once. The threads live as long
        as the engine, so each loads the model once per process.
        """
        if threads <= 1:
            yield from map(self.read, pages)
            return
        pool = self._pool(threads)
        waiting: list[Future] = []
        try:
            for page in pages:
                waiting.append(pool.submit(self.read, page))
                if len(waiting) >= 2 * threads:
                    yield waiting.pop(0).result()
            while waiting:
                yield waiting.pop(0).result()
        finally:
            for future in waiting:  # a time limit or an error: drop what has not started
                future.cancel()

    def _pool(self, threads: int) -> ThreadPoolExecutor:
        with self._lock:
            if threads not in self._pools:
                self._pools[threads] = ThreadPoolExecutor(max_workers=threads,
                                                          thread_name_prefix="referat-ocr")
            return self._pools[threads]


@lru_cache(maxsize=1)
def _shared_engine() -> Tesseract:
    return Tesseract()


def engine() -> Tesseract:
    """This process's Tesseract (loaded once), or `OcrUnavailable`."""
    return _shared_engine()


def ocr_available() -> bool:
    """Whether Tesseract, its Danish model and the binding are installed."""
    try:
        engine()
    except OcrUnavailable:
        return False
    return True


# --- page images -----------------------------------------------------------------


def prepare(image, dpi: int):
    """A page image as Tesseract reads it best: 8-bit grey on white, specks removed."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = flat
    if image.mode.startswith("I;16"):  # 16-bit grey scans: keep the top byte, not a clipped one
        image = Image.fromarray((np.asarray(image, dtype=np.uint16) >> 8).astype(np.uint8))
    elif image.mode != "L":
        image = image.convert("L")
    return despeckle(image, dpi)


def despeckle(image, dpi: int):
    """Remove specks: dark blobs of a few pixels with a clean ring around them.

    Dust and photocopier noise read as stray full stops and commas ("Teknik-.
    og. Miljøudvalget"); a median filter removes them but also thins small
    print. This removes only blobs that fit in 3 × 3 pixels, have at most
    `speck_pixels` dark pixels (scaled with the resolution) and touch nothing
    within a further pixel, so a full stop, an i-dot next to its stem and
    every stroke stay.
    """
    from PIL import Image

    gray = np.asarray(image)
    if gray.size == 0:
        return image
    dark = gray <= _otsu(gray)
    limit = max(1, min(9, round(config()["pages"]["speck_pixels"] * (dpi / 200) ** 2)))
    core = _box_sum(dark, 1)
    specks = dark & (core <= limit) & (_box_sum(dark, 2) == core)
    if not specks.any():
        return image
    cleaned = gray.copy()
    cleaned[_box_sum(specks, 1) > 0] = 255  # the speck and its grey halo
    return Image.fromarray(cleaned)


def _otsu(gray: np.ndarray) -> int:
    """Otsu's threshold: the grey level that best splits ink from paper."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * np.arange(256))
    total_weight, total_mean = weight[-1], mean[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mean * weight - mean * total_weight) ** 2 / (weight * (total_weight - weight))
    return int(np.nanargmax(between)) if np.isfinite(between).any() else 128


def _box_sum(mask: np.ndarray, radius: int) -> np.ndarray:
    """For each pixel, how many `mask` pixels lie in the square of `radius` around it."""
    size = 2 * radius + 1
    padded = np.pad(mask.astype(np.int32), ((radius + 1, radius), (radius + 1, radius)))
    sums = padded.cumsum(0).cumsum(1)
    return sums[size:, size:] - sums[:-size, size:] - sums[size:, :-size] + sums[:-size, :-size]


def read_pages(pages: Iterable[PageImage], count: int, settings: OcrSettings) -> list[OcrText]:
    """OCR `count` page images, in order (`engine()` raises `OcrUnavailable` first).

    Asks the document's time limit for `seconds_per_page` per page first
    (`limits.allow`): a limit sized for text would cut a long scan short.
    """
    tesseract = engine()
    limits.allow(count * config()["tesseract"]["seconds_per_page"])
    return list(tesseract.read_all(pages, settings.threads))


# --- what a reader says about its pages ------------------------------------------


def page_list(indices: list[int]) -> str:
    """Page numbers for a message: `page 3`, `pages 2, 5-7`."""
    numbers = sorted(i + 1 for i in indices)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)
    return ("page " if len(numbers) == 1 else "pages ") + text


def ocr_warnings(page_ocr: list[PageOcr | None], timed_out: list[int]) -> list[Problem]:
    """Warnings naming the OCR'd pages whose text is weak, and those OCR gave up on."""
    low = config()["confidence"]["low"]
    weak = [i for i, page in enumerate(page_ocr) if page is not None and i not in timed_out
            and (page.confidence is None or page.confidence < low)]
    out = []
    if weak:
        scores = ", ".join("no words" if page_ocr[i].confidence is None
                           else f"{page_ocr[i].confidence:.0%}" for i in weak)
        out.append(Problem("low_ocr_confidence",
                           f"{page_list(weak)}: OCR is unsure of the text (mean word confidence "
                           f"{scores}, below {low:.0%}); check it against the scan", "ingest"))
    if timed_out:
        seconds = config()["tesseract"]["page_timeout_s"]
        out.append(Problem("ocr_timeout", f"{page_list(timed_out)}: OCR gave up after {seconds} s; "
                           "the text of these pages is missing", "ingest"))
    return out


def not_read_warning(indices: list[int]) -> Problem:
    """The warning for scanned pages left unread because OCR is off."""
    return Problem("not_ocr", f"{page_list(indices)}: no usable text layer, and OCR is off "
                   "(--ocr never): the text of these pages is missing", "ingest")

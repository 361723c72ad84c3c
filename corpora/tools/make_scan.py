"""Make scans of text PDFs: page images with skew, blur and speckle, as image-only PDFs or TIFFs.

Historical minutes reach referat as scans; the tests and bench/bench_ocr.py
need scans whose true text is known, so they make them from text PDFs (the
sample corpus's, or one written for a test): each page rendered in grey
with PDFium, turned by a slight skew, blurred as a scanner's optics blur,
sprinkled with dark specks (dust, photocopier noise), and wrapped as an
image-only PDF (Pillow) or a multi-page TIFF. Nothing made here is committed.

    .venv/bin/python corpora/tools/make_scan.py IN.pdf OUT.pdf|OUT.tif [--dpi 200] [--skew 0.7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def scan_pages(pdf_path: str | Path, *, dpi: int = 200, skew: float = 0.7, blur: float = 0.6,
               speckle: float = 1 / 2000, seed: int = 13, pages: list[int] | None = None) -> list[Image.Image]:
    """The pages of a PDF as scanned grey images (`speckle`: share of pixels turned dark)."""
    rnd = random.Random(seed)
    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    try:
        for index in pages if pages is not None else range(len(pdf)):
            page = pdf[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            images.append(degrade(image, skew=skew, blur=blur, speckle=speckle, rnd=rnd))
    finally:
        pdf.close()
    return images


def degrade(image: Image.Image, *, skew: float = 0.7, blur: float = 0.6, speckle: float = 1 / 2000,
            rnd: random.Random | None = None) -> Image.Image:
    """A clean page image as a scanner gives it back: skewed, specked, blurred."""
    rnd = rnd or random.Random(13)
    if skew:
        image = image.rotate(skew, resample=Image.BICUBIC, expand=True, fillcolor=255)
    pixels = image.load()
    width, height = image.size
    for _ in range(int(width * height * speckle)):
        pixels[rnd.randrange(width), rnd.randrange(height)] = rnd.randrange(0, 60)
    return image.filter(ImageFilter.GaussianBlur(blur)) if blur else image


def write_pdf(images: list[Image.Image], path: str | Path, dpi: int = 200) -> Path:
    """An image-only PDF: one page per image, no text layer."""
    images = [image.copy() for image in images]  # an earlier save leaves its encoder settings behind
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return Path(path)


def write_tiff(images: list[Image.Image], path: str | Path, dpi: int = 200) -> Path:
    """A multi-page TIFF, as archives keep scans."""
    images = [image.copy() for image in images]  # an earlier save leaves its encoder settings behind
    images[0].save(path, "TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi),
                   compression="tiff_lzw")
    return Path(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path, help="a PDF with a text layer")
    parser.add_argument("out", type=Path, help="OUT.pdf (image-only PDF) or OUT.tif (multi-page TIFF)")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--skew", type=float, default=0.7, help="degrees")
    parser.add_argument("--blur", type=float, default=0.6, help="Gaussian radius in pixels")
    parser.add_argument("--speckle", type=float, default=1 / 2000, help="share of pixels")
    args = parser.parse_args()
    images = scan_pages(args.pdf, dpi=args.dpi, skew=args.skew, blur=args.blur, speckle=args.speckle)
    write = write_tiff if args.out.suffix.lower() in (".tif", ".tiff") else write_pdf
    print(write(images, args.out, args.dpi))


if __name__ == "__main__":
    main()

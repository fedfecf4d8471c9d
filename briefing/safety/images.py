"""What an image is, from its bytes alone: magic number and header dimensions through Pillow, SVG in
any encoding through defusedxml (split from fetch.py). Names and declared types are never trusted."""

from __future__ import annotations

from io import BytesIO

from briefing.cache.inputs import RASTER_SUFFIXES
from briefing.safety.policy import Limits


def image_problem(suffix: str, data: bytes, limits: Limits) -> str:
    """Why these bytes must not reach WeasyPrint (too many pixels, a damaged image, an SVG with
    entities), or ''. The name and any declared type are not trusted: WeasyPrint hands any
    bytes it is given as an image to Pillow, then to its XML parser, so both are tried here
    on the bytes themselves. `suffix` only decides whether bytes that are no image are an error."""
    kind, problem = sniff_image(data, limits)
    if problem:
        return problem
    if kind is None and suffix in RASTER_SUFFIXES | {".svg"}:
        return "the file is not an image briefing can read (PNG, JPEG, GIF, WebP, TIFF or SVG)"
    return ""


def sniff_image(data: bytes, limits: Limits) -> tuple[str | None, str]:
    """(MIME type of the image these bytes are, or None; why they are refused, or '')."""
    raster = _raster(data, limits)
    if raster != ("", ""):
        return raster
    return _svg(data)


def _raster(data: bytes, limits: Limits) -> tuple[str | None, str]:
    import warnings

    from PIL import Image, ImageFile, UnidentifiedImageError

    # Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which would
    # let a cut-off file through this check in any process that has rendered before (watch,
    # preview, the part workers): the check sets its own value while it runs.
    truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:  # the header decides: magic number and dimensions
                mime = Image.MIME.get(image.format or "", "image/png")
                width, height = image.size
                if width * height > limits.image_pixels:
                    return mime, (f"image is {width}×{height} pixels, over the {limits.image_pixels:,}-pixel limit "
                                  "(limits: image_pixels in briefing.yaml)")
                image.load()  # a truncated or corrupt file fails here, not later inside WeasyPrint
    except Image.DecompressionBombError:
        return "image/x-unknown", (f"image has far more pixels than the {limits.image_pixels:,}-pixel limit "
                                   "(limits: image_pixels)")
    except UnidentifiedImageError:
        return "", ""
    except Exception as exc:  # Pillow raises many kinds on a broken file
        return "image/x-unknown", f"the image is damaged or incomplete ({exc})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
    return mime, ""


def _svg(data: bytes) -> tuple[str | None, str]:
    """XML (in whatever encoding its BOM or declaration names) parsed once, by defusedxml."""
    from xml.etree.ElementTree import ParseError

    import defusedxml
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        return "image/svg+xml", "SVG images with entity declarations are not loaded (nor external references)"
    except (ParseError, ValueError, LookupError, RecursionError):
        return None, ""
    return ("image/svg+xml" if str(root.tag).rsplit("}", 1)[-1] == "svg" else "application/xml"), ""

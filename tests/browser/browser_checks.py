"""What the browser tier runs and how it judges a screenshot (shared by its test files)."""

from __future__ import annotations

import io

import numpy as np

__all__ = ["STUDY", "image", "colour_pixels", "assert_not_blank"]

#: the study the tier runs through the workflow: 36 points, 6 solve jobs, every figure of the model
STUDY = {
    "study": "browser",
    "grids": [
        {"scalings": ["fixed_g_sqrtN", "fixed_kappa_over_N"], "orders": ["exact", "1", "2"], "N": [1, 2, 4],
         "pump_ratios": [0.4, 0.75]},
    ],
    "parameters": {"g_sqrtN": 2.5},
    "batching": {"group_by": "order"},
    "figures": {"pump_ratio": 0.75, "N": 4, "formats": ["png"]},
}


def image(png: bytes) -> np.ndarray:
    """A screenshot as an RGB array of shape (height, width, 3)."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def colour_pixels(pixels: np.ndarray, hex_colour: str, tolerance: int = 40) -> int:
    """How many pixels are within ``tolerance`` (per channel) of a colour: lines drawn in it."""
    rgb = np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)])
    return int((np.abs(pixels - rgb).max(axis=-1) <= tolerance).sum())


def assert_not_blank(pixels: np.ndarray, what: str) -> None:
    """More than a blank or single-colour page: ink on at least 1 % of the pixels and a spread of grey levels."""
    grey = pixels.mean(axis=-1)
    ink = (grey < 200).mean()
    assert ink > 0.01 and grey.std() > 10, f"{what} looks blank: {ink:.2%} dark pixels, grey std {grey.std():.1f}"

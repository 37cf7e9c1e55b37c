"""Prefecture boundaries as a GeoJSON FeatureCollection, small enough to inline in a page.

The polygons come as WKT (lon/lat) in ``demo/data/prefecture_boundaries.csv``. They are parsed
here (POLYGON and MULTIPOLYGON, no shapely), simplified with Douglas–Peucker and rounded.

Rings are wound the way d3-geo (and so Vega) needs them: exterior rings clockwise, holes
counter-clockwise. That is the opposite of RFC 7946; a ring wound the other way is drawn by d3
as the whole globe minus the shape.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from importlib import resources

import numpy as np

from pairaid.errors import InputError

#: Douglas–Peucker tolerance in degrees (0.02° ≈ 2 km, far below a pixel of a page-wide map of
#: Xinjiang) and decimals kept (3 ≈ 100 m).
TOLERANCE = 0.02
DECIMALS = 3

_NUMBER = r"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
_NUMBER_PAIR = re.compile(_NUMBER + r"\s+" + _NUMBER)


class WKTError(InputError):
    """A boundary that is not a POLYGON or MULTIPOLYGON in WKT."""


def parse_wkt(text: str) -> list[list[np.ndarray]]:
    """POLYGON / MULTIPOLYGON WKT → list of polygons, each a list of rings (n × 2 arrays)."""
    body = text.strip()
    head = body.split("(", 1)[0].strip().upper()
    if head not in ("POLYGON", "MULTIPOLYGON"):
        raise WKTError(f"boundary is a {head or 'blank'} geometry; only POLYGON and MULTIPOLYGON "
                       f"are read")
    inner = body[len(body.split("(", 1)[0]):].strip()
    polygons: list[list[np.ndarray]] = []
    depth, start, rings = 0, 0, []
    ring_depth = 2 if head == "POLYGON" else 3
    for i, char in enumerate(inner):
        if char == "(":
            depth += 1
            if depth == ring_depth:
                start = i + 1
        elif char == ")":
            if depth == ring_depth:
                rings.append(_ring(inner[start:i]))
            elif depth == ring_depth - 1:
                polygons.append(rings)
                rings = []
            depth -= 1
    if depth != 0 or not polygons:
        raise WKTError(f"unbalanced or empty WKT: {body[:60]}…")
    return polygons


def _ring(text: str) -> np.ndarray:
    pairs = _NUMBER_PAIR.findall(text)
    if len(pairs) < 4:
        raise WKTError(f"a ring needs at least 4 points, got {len(pairs)}: {text[:60]}…")
    return np.array(pairs, dtype=float)


def simplify(ring: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Douglas–Peucker on a closed ring; keeps the first and the farthest point as anchors."""
    far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))
    if far in (0, len(ring) - 1):
        return ring
    keep = np.zeros(len(ring), dtype=bool)
    keep[[0, far, len(ring) - 1]] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = ring[b] - ring[a]
        rel = ring[a + 1:b] - ring[a]
        length = np.hypot(*seg)
        dist = (np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / length if length > 0
                else np.hypot(*rel.T))
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            keep[a + 1 + i] = True
            stack += [(a, a + 1 + i), (a + 1 + i, b)]
    return ring[keep]


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _wound(ring: np.ndarray, clockwise: bool) -> np.ndarray:
    return ring if (_signed_area(ring) < 0) == clockwise else ring[::-1]


def _geometry(polygons: list[list[np.ndarray]], tolerance: float, decimals: int) -> dict:
    out = []
    for rings in polygons:
        kept = []
        for k, ring in enumerate(rings):
            small = np.round(simplify(ring, tolerance), decimals)
            small = small[np.r_[True, np.any(np.diff(small, axis=0) != 0, axis=1)]]
            if len(small) < 4 or abs(_signed_area(small)) == 0:
                if k == 0:
                    break  # an exterior that vanishes takes its holes with it
                continue
            kept.append(_wound(small, clockwise=(k == 0)).tolist())
        if kept:
            out.append(kept)
    if not out:  # never lose a whole unit: keep its largest exterior unsimplified but rounded
        ring = max((p[0] for p in polygons), key=lambda r: abs(_signed_area(r)))
        out = [[_wound(np.round(ring, decimals), clockwise=True).tolist()]]
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def _english_names() -> dict[str, str]:
    path = resources.files("pairaid.demo") / "data" / "region_names_en.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["name_en"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=4)
def _prefectures(tolerance: float, decimals: int) -> str:
    names_en = _english_names()
    path = resources.files("pairaid.demo") / "data" / "prefecture_boundaries.csv"
    features = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            features.append({
                "type": "Feature",
                "id": row["code"],
                "properties": {"code": row["code"], "name_zh": row["name_zh"],
                               "name_en": names_en.get(row["code"], row["name_zh"])},
                "geometry": _geometry(parse_wkt(row["boundary_wkt"]), tolerance, decimals)})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))


def prefecture_features(tolerance: float = TOLERANCE, decimals: int = DECIMALS) -> dict:
    """The demo's Xinjiang prefectures (and corps cities) as a FeatureCollection.

    Properties: ``code`` (GB/T 2260), ``name_zh``, ``name_en``. Corps cities (659xxx) come last so
    that a map draws them on top of the prefectures that surround them.
    """
    return json.loads(_prefectures(tolerance, decimals))

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


#: Where a map puts a corps division, which has no boundary of its own in the data: at the
#: county-level city that seats its headquarters (XPCC, public division profiles). The 9th and
#: 13th divisions' seats (Baiyang, Xinxing) have no boundary in the 2023 file either: they are
#: placed in the prefecture around them (Tacheng, Hami); the 11th and 12th sit in Urumqi.
CORPS_SEATS = {"XPCC01": "659002", "XPCC02": "659006", "XPCC03": "659003", "XPCC04": "659008",
               "XPCC05": "659007", "XPCC06": "659004", "XPCC07": "659010", "XPCC08": "659001",
               "XPCC09": "654200", "XPCC10": "659005", "XPCC11": "650100", "XPCC12": "650100",
               "XPCC13": "650500", "XPCC14": "659009"}
#: A prefecture-level grouping without a boundary of its own, drawn as its members' areas.
GROUPS = {"659000": "6590"}
#: label positions moved (lon, lat degrees) where two centroids fall together: Karamay's thin
#: strip lies inside Tacheng's bounding box; Altay, Urumqi and Bortala's centroids lie next to
#: a corps seat's dot
LABEL_NUDGE = {"654200": (-0.6, 0.9), "650200": (0.9, -0.6), "654300": (0.4, 0.8),
               "650100": (0.6, -0.4), "652700": (0.0, 0.5)}
#: a division seated in a prefecture (not a corps city of its own) is drawn this far (degrees)
#: below the prefecture's label, so the dot does not cover the name
SEAT_BELOW = 0.9
_SHORT_ZH = re.compile(r"(蒙古|回族|哈萨克|柯尔克孜)?(自治州|地区|市)$")


def _centroid(geometry: dict) -> tuple[float, float]:
    """Area centroid of the largest exterior ring (where a label or a point goes)."""
    rings = ([geometry["coordinates"][0]] if geometry["type"] == "Polygon"
             else [p[0] for p in geometry["coordinates"]])
    ring = np.array(max(rings, key=lambda r: abs(_signed_area(np.array(r)))))
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if area == 0:
        return float(x.mean()), float(y.mean())
    return (float(((x[:-1] + x[1:]) * cross).sum() / (6 * area)),
            float(((y[:-1] + y[1:]) * cross).sum() / (6 * area)))


def short_name(feature: dict, lang: str) -> str:
    """A map label: the first word of the English name, the Chinese name without its suffix."""
    props = feature["properties"]
    if lang == "zh":
        return _SHORT_ZH.sub("", props.get("name_zh", "")) or props.get("name_zh", "")
    return str(props.get("name_en", "")).split(" ")[0]


def map_places(features: dict) -> dict[str, tuple[float, float]]:
    """code → (lon, lat) of a label or point: every feature's centroid, and every corps
    division at its seat (:data:`CORPS_SEATS`)."""
    spots = {f["properties"]["code"]: _centroid(f["geometry"]) for f in features["features"]}
    spots = {code: (lon + LABEL_NUDGE.get(code, (0, 0))[0], lat + LABEL_NUDGE.get(code, (0, 0))[1])
             for code, (lon, lat) in spots.items()}
    for division, seat in CORPS_SEATS.items():
        if seat in spots:
            lon, lat = spots[seat]
            spots[division] = (lon, lat - (0 if seat.startswith("659") else SEAT_BELOW))
    return spots

"""Postcode centroids, wijken and great-circle distances.

The tables are the package's own copies of the GeoNames PC4 centroids and the
wijken of gemeente Utrecht (see ``geodata/SOURCE.md`` for attribution). They
are read on first use and cached for the life of the process.
"""

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

__all__ = [
    "EARTH_RADIUS_KM",
    "Pc4",
    "haversine_km",
    "nearest_pc4",
    "pc4_table",
    "u16_municipalities",
    "utrecht_wijk_of",
]

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Pc4:
    """One 4-digit postcode area with its centroid."""

    postcode: str
    lat: float
    lon: float
    place: str
    municipality: str


def _rows(name):
    with (resources.files("matching") / "geodata" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def pc4_table():
    """All Dutch PC4 areas by postcode.

    Returns
    -------
    dict of str to Pc4

    Examples
    --------
    >>> pc4_table()["3512"].municipality
    'Utrecht'
    """
    return {
        r["postcode"]: Pc4(r["postcode"], float(r["lat"]), float(r["lon"]), r["place"],
                           r["municipality"])
        for r in _rows("nl_pc4_geonames.csv")
    }


@cache
def _pc4_arrays():
    table = pc4_table()
    codes = list(table)
    lat = np.array([table[c].lat for c in codes])
    lon = np.array([table[c].lon for c in codes])
    return codes, lat, lon


@cache
def u16_municipalities():
    """The 16 municipalities of the regio Utrecht, in alphabetical order.

    Examples
    --------
    >>> len(u16_municipalities()), u16_municipalities()[0]
    (16, 'Bunnik')
    """
    return tuple(r["municipality"] for r in _rows("municipalities_u16.csv"))


@cache
def _wijk_by_pc4():
    return {pc4: r["wijk"] for r in _rows("utrecht_wijken.csv") for pc4 in r["pc4_used"].split()}


@cache
def _wijk_centroids():
    rows = _rows("utrecht_wijken.csv")
    return [r["wijk"] for r in rows], np.array([[float(r["lat"]), float(r["lon"])] for r in rows])


def utrecht_wijk_of(postcode=None, lat=None, lon=None):
    """The wijk of gemeente Utrecht a place is in (approximate, by PC4).

    A PC4 listed with a wijk decides; otherwise the wijk with the nearest
    centroid. Only meaningful for places in gemeente Utrecht.

    Examples
    --------
    >>> utrecht_wijk_of("3563")
    'Overvecht'
    """
    wijk = _wijk_by_pc4().get(postcode)
    if wijk is not None:
        return wijk
    if lat is None and postcode in pc4_table():
        lat, lon = pc4_table()[postcode].lat, pc4_table()[postcode].lon
    if lat is None:
        return None
    names, centres = _wijk_centroids()
    return names[int(np.argmin(haversine_km(lat, lon, centres[:, 0], centres[:, 1])))]


def nearest_pc4(lat, lon):
    """The PC4 whose centroid is nearest to a point.

    Examples
    --------
    >>> nearest_pc4(52.0907, 5.1214)
    '3512'
    """
    codes, plat, plon = _pc4_arrays()
    return codes[int(np.argmin(haversine_km(lat, lon, plat, plon)))]


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km, element-wise with numpy broadcasting.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like
        WGS84 degrees.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(float(haversine_km(52.0901, 5.1201, 52.1212, 5.1067)), 2)
    3.58
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.subtract(lon2, lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))

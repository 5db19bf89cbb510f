"""Derive maillage's embedded land outline from the official département file.

Reads ``$MAILLAGE_DATA/departements_2025.geojson`` (ANCT/IGN, COG 2025,
Licence Ouverte 2.0), and for each projection zone of maillage:

1. projects the zone's départements to the zone's official CRS;
2. unions them;
3. buffers the union by BUFFER_M metres (coastal points, generalised
   boundaries);
4. simplifies it with tolerance SIMPLIFY_M metres (so the buffer is never
   less than BUFFER_M - SIMPLIFY_M anywhere);
5. takes it back to WGS84 lon/lat, rounded to 5 decimals (about 1 m).

Writes ``data/outline/france_land.geojson``: one feature per zone with the
zone's name. Run from the repository root:

    python3 tools/outline/make_outline.py

Requires geopandas and shapely (benches/peer/requirements.txt).
"""

import json
import os
import sys

import geopandas as gpd
import shapely

BUFFER_M = 2_000.0
SIMPLIFY_M = 200.0

# zone name -> (EPSG code, predicate on the INSEE département code)
ZONES = {
    "metropole": (2154, lambda c: not c.startswith("97")),
    "antilles": (5490, lambda c: c in ("971", "972")),
    "guyane": (2972, lambda c: c == "973"),
    "reunion": (2975, lambda c: c == "974"),
    "mayotte": (4471, lambda c: c == "976"),
}


def main():
    data = os.environ.get("MAILLAGE_DATA", "../shared/data")
    deps = gpd.read_file(os.path.join(data, "departements_2025.geojson"))
    features = []
    for name, (epsg, keep) in ZONES.items():
        part = deps[deps.insee_dep.map(keep)]
        land = part.to_crs(epsg).geometry.union_all()
        land = land.buffer(BUFFER_M).simplify(SIMPLIFY_M, preserve_topology=True)
        back = gpd.GeoSeries([land], crs=epsg).to_crs(4326).iloc[0]
        back = shapely.set_precision(back, 1e-5)
        if not back.is_valid:
            back = shapely.make_valid(back)
        geometry = json.loads(shapely.to_geojson(back))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "zone": name,
                    "departements": len(part),
                    "buffer_m": BUFFER_M,
                    "simplify_m": SIMPLIFY_M,
                },
                "geometry": geometry,
            }
        )
        print(f"{name}: {len(part)} départements, {shapely.get_num_coordinates(back)} vertices",
              file=sys.stderr)
    out = os.path.join("data", "outline", "france_land.geojson")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out} ({os.path.getsize(out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()

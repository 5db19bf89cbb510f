#!/usr/bin/env python3
"""Independent figures for the main job's programmes: per programme, the QPV
and rural communes of a département served and unserved, computed with
GeoPandas/Shapely/pyproj on the full national files (not on the extract).

The hosts of each programme, derived from open data only:

- **postal**: every point de contact of mid-2025 (the 7 Andorra offices left
  out, the one swapped latitude/longitude pair repaired);
- **France Services**: every site of the list of 2024-08-01;
- **digital inclusion**: every lieu of conseillers numériques of 2022 with
  coordinates (each is a digital-inclusion partner site), plus the point de
  contact nearest to each lieu hosted by La Poste (SIRET `pivot` starting with
  La Poste's SIREN 356000000, or `nom` naming La Poste) when it lies within
  300 m;
- **Points Poste ESS**: relais poste whose `libelle_du_site` names an ESS host
  (the patterns `ESS`, `PIMMS`, `ESAT`, `EA`, `SOLIDAIRE`, `ASSOCIATION
  INTERMEDIAIRE`, `COMPTOIR DE CAMPAGNE` as words; variant
  `points_poste_ess_word`: only labels saying ESS, PIMMS or ESAT);
  (variant `digital_inclusion_and_2021`: the conseillers numériques host
  structures of 2021 count as well);
- **mediation**: the mediation partners' own sites — lieux whose `nom`, and
  France Services whose `lib_fs`, say Pimms or médiation — plus every point
  de contact within 50 m of one of them.

Distances are planar in Lambert-93 (EPSG:2154). A QPV of the 2024 list is
served when a site lies within 500 m of its polygon (inside included); a
rural commune (INSEE rural, density levels 5–7, or classed FRR/FRR+) when a
site lies within 5 km of its polygon (the 2018 polygons dissolved by their
2026 code). Invalid polygons are repaired with `make_valid(method="structure",
keep_collapsed=False)`, as in qpv2024_coverage.py.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install geopandas shapely pyproj pandas
    /tmp/venv/bin/python tools/crosscheck/main_job_programmes.py ../shared/data 42
    /tmp/venv/bin/python tools/crosscheck/main_job_programmes.py ../shared/data --compare 42 59 13 69 31

    /tmp/venv/bin/python tools/crosscheck/main_job_programmes.py ../shared/data --extract data/loire 42

The first prints the figures of one département (and the unserved rural
communes of each programme); `--compare` prints, for each candidate, its
size, its sites per programme and its gaps, and whether every programme has
real sites there and real gaps (QPV and rural) to show. `--extract` derives
the programmes' sites from an extract's own files (points de contact, France
Services, lieux) and checks that every QPV and commune of the département
gets the served flag and the nearest distance of the full files (exits
non-zero otherwise): the margin of the extract is wide enough even for the
sparse programmes.
"""
import re
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

L93 = 2154
LA_POSTE_SIREN = "356000000"
ESS_LABEL = re.compile(
    r"\b(?:ESS|PIMMS|ESAT|EA|SOLIDAIRE|ASSOCIATION INTERMEDIAIRE|COMPTOIR DE CAMPAGNE)\b", re.I
)
# The narrower reading: the label says ESS, PIMMS or ESAT itself (a "COMPTOIR
# DE CAMPAGNE E RP" whose label is cut short is left out).
ESS_WORD = re.compile(r"\b(?:ESS|PIMMS|ESAT)\b", re.I)
LA_POSTE_NAME = re.compile(r"\bPOSTE\b", re.I)
MEDIATION_NAME = re.compile(r"pimms|m[ée]diation", re.I)
PROGRAMMES = ["postal", "france_services", "digital_inclusion", "points_poste_ess", "mediation"]
VARIANTS = ["points_poste_ess_word", "digital_inclusion_and_2021"]


def points(df, lon, lat):
    return gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(lon.astype(float), lat.astype(float)), crs=4326
    ).to_crs(L93)


def repaired(geoms):
    return shapely.make_valid(np.asarray(geoms), method="structure", keep_collapsed=False)


def load(data):
    return load_files(
        f"{data}/laposte_points_contact_2025.csv",
        f"{data}/france_services_2024-08.csv",
        f"{data}/conseillers_numeriques_lieux_2022.csv",
    )


def load_files(pdc_csv, fs_csv, lieux_csv):
    pdc = pd.read_csv(pdc_csv, dtype=str, keep_default_na=False)
    pdc = pdc[pdc["pays"] == "FRANCE"].copy()
    lat, lon = pdc["latitude"].astype(float), pdc["longitude"].astype(float)
    swapped = (pdc["code_insee"].str[:2] != "97") & (lat.abs() < 10) & (lon.abs() > 40)
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    pdc = points(pdc, lon, lat)

    fs = pd.read_csv(fs_csv, dtype=str, keep_default_na=False)
    fs = points(fs, fs["longitude"], fs["latitude"])

    lieux = pd.read_csv(lieux_csv, dtype=str, keep_default_na=False)
    lieux = lieux[(lieux["latitude"] != "") & (lieux["longitude"] != "")].copy()
    lieux = points(lieux, lieux["longitude"], lieux["latitude"])
    return pdc, fs, lieux


def nearest_within(sites, targets, metres):
    """Index (in `targets`) of the target nearest each site, when within `metres`."""
    if len(sites) == 0:
        return set()
    site_i, target_i = targets.sindex.nearest(sites.geometry, max_distance=metres, return_all=False)
    return set(targets.index[target_i])


def all_within(sites, targets, metres):
    """Index of every target within `metres` of a site."""
    if len(sites) == 0:
        return set()
    _, target_i = targets.sindex.query(sites.geometry, predicate="dwithin", distance=metres)
    return set(targets.index[target_i])


def programme_sites(pdc, fs, lieux):
    """Each programme's sites, as one GeoSeries of points (Lambert-93), plus the hosts."""
    la_poste_lieux = lieux[lieux["pivot"].str.startswith(LA_POSTE_SIREN) | lieux["nom"].str.contains(LA_POSTE_NAME)]
    di_offices = pdc.loc[sorted(nearest_within(la_poste_lieux, pdc, 300.0))]
    relais = pdc["caracteristique_du_site"].str.contains("Relais", case=False)
    ess = pdc[relais & pdc["libelle_du_site"].str.contains(ESS_LABEL)]
    med_partners = pd.concat(
        [lieux[lieux["nom"].str.contains(MEDIATION_NAME)].geometry, fs[fs["lib_fs"].str.contains(MEDIATION_NAME)].geometry]
    )
    med_partners = gpd.GeoDataFrame(geometry=med_partners.reset_index(drop=True), crs=L93)
    med_offices = pdc.loc[sorted(all_within(med_partners, pdc, 50.0))]
    sites = {
        "postal": pdc.geometry,
        "france_services": fs.geometry,
        "digital_inclusion": pd.concat([lieux.geometry, di_offices.geometry]),
        "points_poste_ess": ess.geometry,
        "mediation": pd.concat([med_partners.geometry, med_offices.geometry]),
        "points_poste_ess_word": ess[ess["libelle_du_site"].str.contains(ESS_WORD)].geometry,
    }
    hosts = {
        "la_poste_lieux": la_poste_lieux,
        "digital_offices": di_offices,
        "ess_relais": ess,
        "mediation_partners": med_partners,
        "mediation_offices": med_offices,
    }
    return {k: gpd.GeoSeries(v.reset_index(drop=True), crs=L93) for k, v in sites.items()}, hosts


def territories(data, dep, communes_geo, qpv_geo, table, frr):
    q = qpv_geo[qpv_geo["code_departement"] == dep].copy()
    q["geometry"] = repaired(q.geometry.values)
    c = communes_geo[communes_geo["code_insee_2026"].str.startswith(dep)]
    c = c.dissolve(by="code_insee_2026", as_index=False)
    c["geometry"] = repaired(c.geometry.values)
    t = table[table["dep"] == dep][["code_insee", "nom", "population", "rural_insee"]]
    f = frr[frr["dep"] == dep][["code_insee", "classee_frr"]]
    c = c[["code_insee_2026", "geometry"]].merge(t, left_on="code_insee_2026", right_on="code_insee", how="left")
    c = c.merge(f, on="code_insee", how="left")
    c["rural"] = (c["rural_insee"] == "1") | (c["classee_frr"] == "1")
    c["population"] = c["population"].astype(int)
    return q, c


def served(polys, sites, metres):
    """Boolean per polygon: a site within `metres` (inside included)."""
    tree = shapely.STRtree(sites.values)
    poly_i, _ = tree.query(polys.geometry.values, predicate="dwithin", distance=metres)
    out = np.zeros(len(polys), dtype=bool)
    out[np.unique(poly_i)] = True
    return out


def in_dep(geoms, outline):
    return int(shapely.contains_xy(outline, geoms.x.values, geoms.y.values).sum()) if len(geoms) else 0


def nearest_m(polys, sites):
    _, d = shapely.STRtree(sites.values).query_nearest(polys.geometry.values, return_distance=True, all_matches=False)
    return d


def check_extract(data, folder, dep, full_sites, communes_geo, qpv_geo, table, frr):
    """The programmes' sites derived from the extract's own files give the
    served flags and nearest distances of the full files, territory by
    territory. Returns the number of differences."""
    ex_sites, _ = programme_sites(
        *load_files(f"{folder}/points_de_contact.csv", f"{folder}/france_services.csv", f"{folder}/lieux.csv")
    )
    q, c = territories(data, dep, communes_geo, qpv_geo, table, frr)
    bad = 0
    print(f"\nextract {folder} against the full files:")
    for prog in PROGRAMMES:
        for name, polys, metres in [("QPV", q, 500.0), ("communes", c, 5_000.0)]:
            flags = (served(polys, full_sites[prog], metres) != served(polys, ex_sites[prog], metres)).sum()
            full_d, ex_d = nearest_m(polys, full_sites[prog]), nearest_m(polys, ex_sites[prog])
            dist = (np.abs(full_d - ex_d) > 0.01).sum()
            bad += flags + dist
            print(
                f"  {prog:18} {name:8} {len(polys):4}: served differs for {flags}, nearest for {dist} "
                f"(farthest nearest site {full_d.max() / 1000:.1f} km)"
            )
    return bad


def main(argv):
    data = argv[1]
    compare = argv[2] == "--compare"
    extract_dir = argv[3] if argv[2] == "--extract" else None
    deps = argv[3:] if compare else [argv[4]] if extract_dir else [argv[2]]
    pdc, fs, lieux = load(data)
    sites, hosts = programme_sites(pdc, fs, lieux)
    communes_geo = gpd.read_file(f"{data}/communes_2018_simplified.geojson").to_crs(L93)
    qpv_geo = gpd.read_file(f"{data}/qpv_2024_national.geojson").to_crs(L93)
    outlines = gpd.read_file(f"{data}/departements_2025.geojson").to_crs(L93)
    table = pd.read_csv(f"{data}/communes_france.csv", dtype=str, keep_default_na=False)
    frr = pd.read_csv(f"{data}/frr_communes.csv", dtype=str, keep_default_na=False)
    # Variant: the 2021 host structures (the main job's digital-inclusion
    # partners before the lieux) count too.
    structures = gpd.read_file(f"{data}/conseillers_numeriques_structures_2021.geojson")
    structures = structures[structures.geometry.notna() & ~structures.geometry.is_empty].to_crs(L93)
    sites["digital_inclusion_and_2021"] = gpd.GeoSeries(
        pd.concat([sites["digital_inclusion"], structures.geometry]).reset_index(drop=True), crs=L93
    )
    if extract_dir:
        return 1 if check_extract(data, extract_dir, deps[0], sites, communes_geo, qpv_geo, table, frr) else 0
    print(
        f"national: {len(pdc)} points de contact, {len(fs)} France Services, {len(lieux)} lieux with coordinates "
        f"({len(hosts['la_poste_lieux'])} hosted by La Poste -> {len(hosts['digital_offices'])} offices within 300 m), "
        f"{len(hosts['ess_relais'])} relais naming an ESS host, {len(hosts['mediation_partners'])} mediation partner sites "
        f"({len(hosts['mediation_offices'])} points de contact within 50 m)"
    )
    for dep in deps:
        outline = shapely.union_all(outlines[outlines["insee_dep"] == dep].geometry.values)
        shapely.prepare(outline)
        q, c = territories(data, dep, communes_geo, qpv_geo, table, frr)
        rural = c[c["rural"]]
        print(
            f"\n{dep}: {len(c)} communes, {c['population'].sum():,} inhabitants, {len(rural)} rural "
            f"({(c['rural_insee'] == '1').sum()} INSEE rural, {(c['classee_frr'] == '1').sum()} FRR), {len(q)} QPV"
        )
        lp_lieux = hosts["la_poste_lieux"].geometry
        n_lieux = in_dep(lieux.geometry, outline)
        print(
            f"  in the département: {in_dep(pdc.geometry, outline)} points de contact, "
            f"{in_dep(hosts['ess_relais'].geometry, outline)} relais naming an ESS host, "
            f"{n_lieux} lieux of 2022 ({in_dep(lp_lieux, outline)} hosted by La Poste; "
            f"{in_dep(hosts['digital_offices'].geometry, outline)} digital-inclusion offices), "
            f"{in_dep(fs.geometry, outline)} France Services, "
            f"{in_dep(hosts['mediation_partners'].geometry, outline)} mediation partner sites "
            f"({in_dep(hosts['mediation_offices'].geometry, outline)} mediation offices)"
        )
        ok = True
        for prog in PROGRAMMES + ([] if compare else VARIANTS):
            s = sites[prog]
            n_sites = in_dep(s, outline)
            sq = served(q, s, 500.0)
            sr = served(rural, s, 5_000.0)
            unserved = rural[~sr]
            print(
                f"  {prog:26} sites in dep {n_sites:4}; QPV served {sq.sum():3} unserved {(~sq).sum():3}; "
                f"rural communes served {sr.sum():4} unserved {(~sr).sum():4} "
                f"(population of the unserved {unserved['population'].sum():,})"
            )
            if prog in PROGRAMMES[1:]:
                ok &= n_sites > 0 and (~sq).sum() > 0 and (~sr).sum() > 0
            if not compare and prog != "postal" and 0 < len(unserved) <= 12:
                print("      unserved: " + ", ".join(f"{r.code_insee} {r.nom}" for r in unserved.itertuples()))
        # Each La Poste programme has offices of its own in the département.
        offices = {name: in_dep(hosts[name].geometry, outline) for name in ["digital_offices", "ess_relais", "mediation_offices"]}
        print(f"  La Poste offices per programme: {offices}")
        ok &= all(n > 0 for n in offices.values())
        print(f"  every programme has La Poste offices, sites and gaps (QPV and rural): {'yes' if ok else 'no'}")
        if not compare:
            for name in ["ess_relais", "digital_offices", "mediation_offices"]:
                h = hosts[name]
                inside = h[shapely.contains_xy(outline, h.geometry.x.values, h.geometry.y.values)]
                print(f"  {name}: " + ", ".join(f"{r.identifiant_a} {r.libelle_du_site}" for r in inside.itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

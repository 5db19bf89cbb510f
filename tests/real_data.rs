//! Real open data in `../shared/data` (or `$MAILLAGE_DATA`). Expected figures
//! were computed independently with pandas / GeoPandas / Shapely (see
//! `tools/crosscheck/`), not with maillage.

mod common;

use common::data;
use maillage::read::{
    read_communes, read_conseillers_numeriques, read_france_services, read_la_poste,
    read_territories,
};
use maillage::{
    CommuneSources, Coverage, DensityClass, FieldMap, FrrClass, Note, PointKind, Service,
    ServiceNetwork, SkipReason, Zone,
};

#[test]
fn la_poste_2016_load_report() {
    let (points, report) = read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    assert_eq!(report.read, 17_212);
    assert_eq!(report.kept, 17_188);
    assert_eq!(report.skipped_total(), 24);
    assert_eq!(report.skipped_for(SkipReason::MissingCoordinates), 18);
    // The 6 Andorra offices the 2016 file labels FRANCE are off French land
    // (the 2025 file says ANDORRE: skipped as abroad there).
    let andorra: Vec<_> = report.skipped[&SkipReason::OutsideFrance]
        .examples
        .iter()
        .filter_map(|e| e.id.as_deref())
        .collect();
    assert_eq!(report.skipped_for(SkipReason::OutsideFrance), 6);
    assert_eq!(andorra[..3], ["01291A", "01298A", "01290A"]);
    assert_eq!(points.len(), 17_188);
    let first = &report.skipped[&SkipReason::MissingCoordinates].examples[0];
    assert_eq!(first.id.as_deref(), Some("10745D"));
    // Physical line 1959 of the file (grep -n agrees; the CSV parser used before counted 1958).
    assert_eq!(first.location, maillage::Location::Line(1959));

    let count = |k: PointKind| points.iter().filter(|p| p.kind == k).count();
    assert_eq!(count(PointKind::BureauDePoste), 9_085);
    assert_eq!(count(PointKind::AgencePostaleCommunale), 5_787);
    assert_eq!(count(PointKind::RelaisPosteCommercant), 2_263);
    assert_eq!(count(PointKind::AgencePostaleIntercommunale), 52);
    assert_eq!(count(PointKind::AgencePostaleMilitaire), 1);
    assert!(points.iter().all(|p| p.services.contains(Service::Postal)));

    // Zones agree with the INSEE code prefixes of the sites.
    let zone = |z: Zone| points.iter().filter(|p| p.zone == z).count();
    assert_eq!(zone(Zone::Metropole), 16_915);
    assert_eq!(zone(Zone::Antilles), 112);
    assert_eq!(zone(Zone::Reunion), 97);
    assert_eq!(zone(Zone::Guyane), 40);
    assert_eq!(zone(Zone::Mayotte), 22);
    assert_eq!(zone(Zone::SaintPierreEtMiquelon), 2);

    let sartrouville = points.iter().find(|p| p.id == "15015A").unwrap();
    assert_eq!(sartrouville.name, "SARTROUVILLE PRINCIPAL BP");
    assert_eq!(sartrouville.commune.as_deref(), Some("78586"));
    assert_eq!(
        sartrouville.precision,
        maillage::GeocodePrecision::AddressNumber
    );
}

fn qpv() -> Vec<maillage::Territory> {
    let mut all = Vec::new();
    for f in [
        "qpv_2015_occitanie.geojson",
        "qpv_2015_ille_et_vilaine.geojson",
    ] {
        let (t, report) = read_territories(data(f), &FieldMap::qpv()).unwrap();
        assert_eq!(report.skipped_total(), 0);
        all.extend(t);
    }
    all
}

#[test]
fn qpv_files_load_with_populations_and_repairs() {
    let (occitanie, report) =
        read_territories(data("qpv_2015_occitanie.geojson"), &FieldMap::qpv()).unwrap();
    assert_eq!((report.read, report.kept), (105, 105));
    // Shapely's is_valid flags exactly these two.
    assert!(
        report
            .notes
            .contains(&Note::Repaired(vec!["QP034021".into(), "QP030001".into()]))
    );
    assert_eq!(
        occitanie.iter().map(|t| t.population.unwrap()).sum::<u64>(),
        358_011
    );
    let (ille, report) =
        read_territories(data("qpv_2015_ille_et_vilaine.geojson"), &FieldMap::qpv()).unwrap();
    assert_eq!((report.read, report.kept), (7, 7));
    let redon = ille.iter().find(|t| t.id == "QP035007").unwrap();
    assert_eq!(redon.population, None, "null population stays unknown");
    assert_eq!(
        ille.iter().find(|t| t.id == "QP035004").unwrap().population,
        Some(6_206)
    );
    assert_eq!(redon.departement.as_deref(), Some("35"));
}

/// GeoPandas 1.x / Shapely 2 in EPSG:2154 (pyproj): `sjoin(predicate="intersects")`
/// for points inside, `sindex.nearest(return_distance=True)` for the distance.
#[test]
fn qpv_postal_coverage_matches_geopandas() {
    let (points, _) = read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let territories = qpv();
    assert_eq!(territories.len(), 112);
    let report = Coverage::new(&network, &territories).run().unwrap();
    let expect = [
        ("QP034021", 1, 0.0),
        ("QP031010", 1, 0.0),
        ("QP030001", 0, 69.590),
        ("QP066004", 0, 741.255),
        ("QP031014", 0, 817.714),
        ("QP035002", 0, 25.635),
        ("QP035007", 0, 802.561),
    ];
    for (code, inside, nearest) in expect {
        let r = report.get(code, Service::Postal).unwrap();
        assert_eq!(r.points_inside, inside, "{code}");
        let d = r.nearest_m().unwrap();
        assert!(
            (d - nearest).abs() < 0.01,
            "{code}: {d} vs GeoPandas {nearest}"
        );
        assert_eq!(r.served, nearest <= 500.0, "{code}");
    }
    let s = &report.summary()[0];
    assert_eq!((s.territories, s.served, s.unserved), (112, 93, 19));
    let gaps = report.gaps(Service::Postal);
    assert_eq!(
        gaps[0].territory.id, "QP066004",
        "largest unserved QPV (2,828 inhabitants)"
    );
}

#[test]
fn partner_files() {
    let (fs, report) = read_france_services(data("france_services_2024-08.csv")).unwrap();
    assert_eq!(
        (report.read, report.kept, report.skipped_total()),
        (2_845, 2_845, 0)
    );
    assert_eq!(fs.iter().filter(|p| p.at_la_poste).count(), 409);
    assert!(
        fs.iter()
            .all(|p| p.services.contains(Service::FranceServices) && p.id.starts_with("fs:"))
    );

    let (cn, report) =
        read_conseillers_numeriques(data("conseillers_numeriques_structures_2021.geojson"))
            .unwrap();
    assert_eq!((report.read, report.kept), (1_450, 1_438));
    assert_eq!(report.skipped_for(SkipReason::NullGeometry), 12);
    assert!(
        cn.iter()
            .all(|p| p.services.contains(Service::DigitalInclusion))
    );
}

#[test]
fn communes_are_merged_to_current_codes_and_population_counted_once() {
    let (communes, reports) = read_communes(&CommuneSources::in_dir(common::data_dir())).unwrap();
    let polygons = &reports[0];
    assert_eq!((polygons.read, polygons.kept), (35_357, 35_357));
    assert!(polygons.notes.contains(&Note::Dissolved {
        polygons: 806,
        communes: 317
    }));
    assert!(
        polygons
            .notes
            .contains(&Note::Repaired(vec!["14174".into()]))
    );
    assert_eq!(communes.len(), 34_868);

    let table = &reports[1];
    assert_eq!((table.read, table.kept), (34_875, 34_868));
    assert_eq!(table.skipped_for(SkipReason::NoPolygon), 7);
    assert!(table.notes.contains(&Note::PopulationNotPlaced(5245)));
    let placed: u64 = communes.iter().filter_map(|c| c.population).sum();
    assert_eq!(
        placed, 68_345_553,
        "68,350,798 in the table minus 5,245 without polygon"
    );

    let paris = communes.iter().find(|c| c.id == "75056").unwrap();
    assert_eq!(paris.population, Some(2_103_778));
    assert_eq!(paris.density, Some(DensityClass::GrandsCentresUrbains));
    assert_eq!(paris.frr, Some(FrrClass::NonClassee));
    let ajaccio = communes.iter().find(|c| c.id == "2A004").unwrap();
    assert_eq!(ajaccio.departement.as_deref(), Some("2A"));
    let saint_denis = communes.iter().find(|c| c.id == "97411").unwrap();
    assert_eq!(saint_denis.zone, Zone::Reunion);
    assert_eq!(saint_denis.population, Some(155_634));
    let frr = communes
        .iter()
        .filter(|c| c.frr.and_then(FrrClass::classified) == Some(true))
        .count();
    // 17,769 FRR/FRR+ rows, of which 15031, 15035, 15047 and 15171 have no polygon.
    assert_eq!(frr, 17_765);
}

#[test]
fn departements_load() {
    let (deps, report) =
        read_territories(data("departements_2025.geojson"), &FieldMap::departements()).unwrap();
    assert_eq!(report.read, 101);
    assert_eq!(report.kept, 101, "{report}");
    assert_eq!(
        deps.iter().filter(|d| d.zone == Zone::Metropole).count(),
        96
    );
}

/// The mid-2025 network: figures counted with pandas on the raw file
/// (`pays`, `caracteristique_du_site`, `code_insee` prefixes).
#[test]
fn la_poste_2025_load_report() {
    let (points, report) = read_la_poste(data("laposte_points_contact_2025.csv")).unwrap();
    assert_eq!(
        (report.read, report.kept, report.skipped_total()),
        (17_972, 17_965, 7)
    );
    assert_eq!(
        report.skipped_for(SkipReason::Abroad),
        7,
        "the Andorra offices"
    );
    assert!(
        report
            .notes
            .contains(&Note::SwappedRepaired(vec!["06086A".into()]))
    );
    let swapped = points.iter().find(|p| p.id == "06086A").unwrap();
    assert_eq!(
        swapped.lonlat,
        geo_types::Coord {
            x: -0.589286,
            y: 44.86918
        }
    );
    assert!(report.notes.contains(&Note::UnknownKind {
        label: "Agence postale ou Relais poste".into(),
        rows: 7
    }));
    assert!(report.notes.contains(&Note::UnknownKind {
        label: "Agence postale".into(),
        rows: 1
    }));
    let count = |k: PointKind| points.iter().filter(|p| p.kind == k).count();
    assert_eq!(count(PointKind::BureauDePoste), 6_845);
    assert_eq!(count(PointKind::AgencePostaleCommunale), 7_025);
    assert_eq!(count(PointKind::RelaisPosteCommercant), 3_853);
    assert_eq!(count(PointKind::AgencePostaleIntercommunale), 234);
    assert_eq!(count(PointKind::Other), 8);
    let zone = |z: Zone| points.iter().filter(|p| p.zone == z).count();
    assert_eq!(
        [
            Zone::Metropole,
            Zone::Antilles,
            Zone::Guyane,
            Zone::Reunion,
            Zone::Mayotte
        ]
        .map(zone),
        [17_690, 116, 37, 99, 21]
    );
}

/// QPV 2024 × the 2025 network, postal within 500 m: every figure equals the
/// independent GeoPandas computation of `tools/crosscheck/qpv2024_coverage.py`
/// (1,496 QPV compared, none differs, nearest distances within 5 mm).
#[test]
fn qpv_2024_postal_coverage_matches_geopandas() {
    let inputs = common::qpv_2024_and_network_2025();
    let qpv_report = &inputs.reports[1];
    assert_eq!((qpv_report.read, qpv_report.kept), (1_584, 1_496));
    assert_eq!(
        qpv_report.skipped_for(SkipReason::OutsideFrance),
        88,
        "French Polynesia"
    );
    let network = ServiceNetwork::new(inputs.points);
    let report = Coverage::new(&network, &inputs.territories).run().unwrap();
    let rows: Vec<_> = report.iter().collect();
    assert_eq!(rows.iter().filter(|r| r.served).count(), 1_236);
    assert_eq!(rows.iter().filter(|r| r.points_inside > 0).count(), 588);
    assert_eq!(
        rows.iter().map(|r| r.points_inside).sum::<u32>(),
        706,
        "points inside, in all"
    );
    let check = |id: &str, within: u32, nearest: f64| {
        let r = report.get(id, Service::Postal).unwrap();
        assert_eq!(r.points_within, within, "{id}");
        assert!(
            (r.nearest_m().unwrap() - nearest).abs() < 0.01,
            "{id}: {:?}",
            r.nearest_m()
        );
    };
    check("QN97324M", 0, 3672.10);
    check("QN97209N", 0, 2351.60);
    check("QN00216M", 0, 1774.26);
    check("QN05716M", 0, 1689.86);
    check("QN07501M", 3, 244.95);
    let gaps = report.gaps(Service::Postal);
    assert_eq!(gaps.len(), 260);
    assert_eq!(
        gaps[0].territory.id, "QN97324M",
        "no population: farthest first"
    );
}

/// Every geometry maillage writes is valid, even once unprojected and
/// rounded (the 2024 QPV contours make that hard: 536 are invalid as read).
#[test]
fn written_geometries_are_valid() {
    use geo::Validation;
    let inputs = common::qpv_2024_and_network_2025();
    let network = ServiceNetwork::new(inputs.points);
    let report = Coverage::new(&network, &inputs.territories).run().unwrap();
    let mut out = Vec::new();
    report
        .to_geojson(&mut out, maillage::write::Features::All)
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut invalid = Vec::new();
    for f in doc["features"].as_array().unwrap() {
        let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
        let shape: geo_types::Geometry<f64> = g.try_into().unwrap();
        if !shape.is_valid() {
            invalid.push(f["properties"]["territory_id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(doc["features"].as_array().unwrap().len(), 1_496);
    assert!(
        invalid.is_empty(),
        "{} invalid: {:?}",
        invalid.len(),
        &invalid[..invalid.len().min(10)]
    );
}

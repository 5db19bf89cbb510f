//! The three programmes on real data: the lieux de médiation numérique
//! reader, `maillage programmes` (its three rules and the user list), and
//! "no data is not unserved" in coverage.

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{data, point, rect, territory};
use maillage::model::Evidence;
use maillage::programmes::{ProgrammeFiles, ProgrammeRules, Programmes};
use maillage::read::{
    self, Assignment, LieuxOptions, read_la_poste, read_la_poste_from, read_lieux, read_lieux_from,
};
use maillage::{
    Coverage, PointKind, Service, ServiceNetwork, SkipReason, TerritoryKind, Zone, coverage::Status,
};

fn lieux_2022() -> std::path::PathBuf {
    data("conseillers_numeriques_lieux_2022.csv")
}

#[test]
fn the_2022_lieux_read_4930_keep_4908_also_under_partners() {
    let (lieux, report) = read_lieux(lieux_2022(), &LieuxOptions::default()).unwrap();
    assert_eq!((report.read, report.kept), (4930, 4908));
    assert_eq!(report.skipped_for(SkipReason::MissingCoordinates), 22);
    assert_eq!(lieux.len(), 4908);
    assert!(
        lieux
            .iter()
            .all(|l| l.point.services.contains(Service::DigitalInclusion))
    );
    // 101 SIRETs of La Poste (SOURCES.md: 160 name La Poste or carry its SIREN).
    assert_eq!(lieux.iter().filter(|l| l.siret_of_la_poste()).count(), 101);
    let mediation: Vec<&str> = lieux
        .iter()
        .filter(|l| l.point.services.contains(Service::Mediation))
        .map(|l| l.point.name.as_str())
        .collect();
    assert_eq!(mediation.len(), 29, "{mediation:?}");
    assert!(mediation.contains(&"PIMMS DE GRENOBLE"));
    assert!(!mediation.contains(&"Médiation numérique du Clos"));
    // Under --partners the same file is detected by its content (it has a
    // `services` column, which used to send it to the plain partner reader).
    let (points, report) = read::read_partners(lieux_2022()).unwrap();
    assert_eq!((report.read, report.kept, points.len()), (4930, 4908, 4908));
}

/// The figures of tools/crosscheck/programmes_digital.py (pandas + pyproj
/// geodesic, no maillage code): 160 lieux hosted by La Poste (101 by
/// SIRET), 150 within 300 m of a point de contact, 10 unmatched, 7
/// ambiguous; 139 distinct points de contact, 132 bureaux de poste and 7
/// agences postales communales. (SOURCES.md says 137: 130 and 7; neither
/// computation reproduces it.)
#[test]
fn digital_inclusion_hosts_on_the_2022_lieux_equal_the_crosscheck() {
    let report = ProgrammeFiles::new()
        .points(data("laposte_points_contact_2025.csv"))
        .partners(lieux_2022())
        .run()
        .unwrap();
    let m = report.digital_matches();
    assert_eq!(m.len(), 160);
    let by_siret = m
        .iter()
        .filter(|x| x.evidence == Evidence::HostedPartnerSiret)
        .count();
    assert_eq!(by_siret, 101);
    assert_eq!(m.iter().filter(|x| x.site.is_some()).count(), 150);
    assert_eq!(m.iter().filter(|x| x.is_ambiguous()).count(), 7);
    let unmatched: Vec<&str> = m.iter().filter_map(|x| x.reason.as_deref()).collect();
    assert_eq!(unmatched.len(), 10);
    assert!(
        unmatched.iter().all(|r| r.contains("beyond 300 m")),
        "{unmatched:?}"
    );
    let kinds = report.hosts_by_kind(Service::DigitalInclusion);
    assert_eq!(
        kinds,
        BTreeMap::from([
            (PointKind::BureauDePoste, 132),
            (PointKind::AgencePostaleCommunale, 7)
        ])
    );
    assert_eq!(report.hosts_of(Service::DigitalInclusion).count(), 139);
    // Saint-Brieuc: seven lieux at one office, one host row.
    let st_brieuc = report
        .hosts_of(Service::DigitalInclusion)
        .find(|h| h.site_id == "03869A")
        .unwrap();
    assert_eq!(st_brieuc.sources, 7);
    assert_eq!(st_brieuc.evidence, Evidence::HostedPartnerSiret);
}

const ESS_2025: [(&str, &str); 24] = [
    ("11474D", "ESAT RELAIS POSTE URBAIN RP"),
    ("11581D", "PIMMS RELAIS POSTE URBAIN RP"),
    ("12244D", "GRENOBLE VILLENEUVE PIMMS RP"),
    ("14275D", "BAPEAUME LES ROUEN LPR ESS RP"),
    ("14437D", "MELUN LPR CONCIERGERIE SOLIDAIRE RP"),
    ("14490D", "TOURCOING BOURGOGNE LPR ESS RP"),
    ("15007D", "PONT DE CLAIX PIMMS RP"),
    ("16193D", "SENINGHEM LPR ESS RP"),
    ("16194D", "ZUDAUSQUES LPR ESS RP"),
    ("17033D", "LA ROQUETTE SUR SIAGNE ESAT RP"),
    ("17195D", "CALIGNY LPR ESS ARC EN CIEL RP"),
    ("17570D", "LPR ESAT ESS EA LE BREZET AP RP"),
    ("17868D", "CHATEAUNEUF/ISERE LE RESE RP ESS RP"),
    ("18062D", "OYEU LPR ESS LE LOCAL RP"),
    ("18306D", "LURIECQ LPR ESS RP"),
    ("18355D", "VIZILLE PIMMS LPRT ESS RP"),
    ("18957D", "BOISSET SAINT PRIEST LPR ESS RP"),
    ("19200D", "EVRY PIMMS MEDIATION LPR ESS AP RP"),
    ("19642D", "LANCIE COMPTOIR DE CAMPAGNE ESS RP"),
    ("20499D", "POMMEVIC RELAIS ESAT ARSEAA RP"),
    ("21082D", "LA FOUILLOUSE LPR ESS RP"),
    ("22516D", "TETEGHEM ESAT DUNKERQUE LPR RP"),
    ("22687D", "ANTONY ASSOCIATION INTERMEDIAIRE RP"),
    ("22715D", "ST EGREVE ASSOCIATION SAINTE AGN RP"),
];

fn label_hits(file: &str, service: Service) -> Vec<(String, String)> {
    let (points, _) = read_la_poste(data(file)).unwrap();
    let report = Programmes::new(&points).run().unwrap();
    report
        .label_hits()
        .iter()
        .filter(|h| h.service == service)
        .map(|h| (h.site_id.clone(), h.label.clone()))
        .collect()
}

/// The label rule's hits, listed with their labels, on both vintages under
/// the same built-in rules (a Python `re` pass over the two files with the
/// same patterns gave the same lists).
#[test]
fn label_rule_hits_on_the_2025_and_2016_files() {
    let owned = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    let mut ess = label_hits("laposte_points_contact_2025.csv", Service::PointPosteEss);
    ess.sort();
    assert_eq!(ess, owned(&ESS_2025));
    let mut med = label_hits("laposte_points_contact_2025.csv", Service::Mediation);
    med.sort();
    assert_eq!(
        med,
        owned(&[
            ("11581D", "PIMMS RELAIS POSTE URBAIN RP"),
            ("12244D", "GRENOBLE VILLENEUVE PIMMS RP"),
            ("15007D", "PONT DE CLAIX PIMMS RP"),
            ("18355D", "VIZILLE PIMMS LPRT ESS RP"),
            ("19200D", "EVRY PIMMS MEDIATION LPR ESS AP RP"),
        ])
    );
    // 2016: two relais poste name their ESS host; the Pimms of Noisy-le-Grand
    // is an agence postale communale, a kind the ESS rule leaves out, but it
    // hosts mediation.
    let mut ess = label_hits("laposte_points_contact_2016.csv", Service::PointPosteEss);
    ess.sort();
    assert_eq!(
        ess,
        owned(&[
            ("11474D", "ESAT RELAIS POSTE URBAIN RP"),
            ("11581D", "PIMMS RELAIS POSTE URBAIN AP"),
        ])
    );
    let mut med = label_hits("laposte_points_contact_2016.csv", Service::Mediation);
    med.sort();
    assert_eq!(
        med,
        owned(&[
            ("11581D", "PIMMS RELAIS POSTE URBAIN AP"),
            ("72786A", "NOISY LE GRAND PIMMS AP"),
        ])
    );
}

#[test]
fn programmes_csv_is_a_valid_assignments_file() {
    let report = ProgrammeFiles::new()
        .points(data("laposte_points_contact_2025.csv"))
        .partners(lieux_2022())
        .partners(data("france_services_2024-08.csv"))
        .run()
        .unwrap();
    // The files are read concurrently; their reports come in the order given.
    let sources: Vec<&str> = report
        .loads()
        .iter()
        .map(|l| l.source.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(
        sources,
        [
            "laposte_points_contact_2025.csv",
            "conseillers_numeriques_lieux_2022.csv",
            "france_services_2024-08.csv"
        ]
    );
    let dir = std::env::temp_dir().join(format!("maillage-programmes-{}", std::process::id()));
    report.write(&dir).unwrap();
    let (rows, load) = read::read_assignments(dir.join("programmes.csv")).unwrap();
    assert_eq!(load.kept, report.hosts().len());
    assert_eq!(load.skipped_total(), 0);
    let header = std::fs::read_to_string(dir.join("programmes.csv")).unwrap();
    assert!(header.starts_with("site_id,service,evidence,detail,distance_m\n"));
    let count = |s: Service| rows.iter().filter(|a| a.service == s).count();
    assert_eq!(count(Service::DigitalInclusion), 139);
    assert_eq!(count(Service::PointPosteEss), 24);
    // Mediation: 5 labels and the Pimms (lieux and France Services run by a
    // Pimms) within 50 m of a point de contact.
    assert_eq!(count(Service::Mediation), 15);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("programmes_report.json")).unwrap())
            .unwrap();
    assert_eq!(json["digital_inclusion"]["matched"], 150);
    assert_eq!(json["digital_inclusion"]["ambiguous"], 7);
    assert_eq!(json["digital_inclusion"]["unmatched"], 10);
    std::fs::remove_dir_all(&dir).ok();
}

// ── small cases computed by hand ───────────────────────────────────────

/// Two bureaux 0.002° of latitude apart (about 222 m) near Paris.
const POINTS: &str = "identifiant_a,libelle_du_site,caracteristique_du_site,latitude,longitude\n\
A,PARIS A,Bureau de Poste,48.8500,2.3500\n\
B,PARIS B,Bureau de Poste,48.8520,2.3500\n\
R,PARIS LPR ESS RP,Relais poste,48.8700,2.3500\n\
C,PARIS ESS CENTRE AP,Agence postale communale,48.8800,2.3500\n";

const LIEUX: &str = "id,nom,pivot,code_insee,latitude,longitude,typologie\n\
l1,LA POSTE,35600000000001,,48.8505,2.3500,\n\
l2,La Poste de Loin,00000000000000,,48.8600,2.3500,\n\
l3,Bureau de poste,3560000000000X,,48.8521,2.3500,\n\
l1,LA POSTE (again),35600000000001,,48.8505,2.3500,\n\
l4,Association,,75056,,,\n\
l5,Centre social,12345678901234,,48.85002,2.3500,PIMMS\n\
l6,Maison de la médiation numérique,,,48.85001,2.3500,\n";

fn small() -> (
    Vec<maillage::ServicePoint>,
    Vec<read::Lieu>,
    maillage::LoadReport,
) {
    let (points, _) = read_la_poste_from("points.csv", POINTS.as_bytes()).unwrap();
    let (lieux, report) =
        read_lieux_from("lieux.csv", LIEUX.as_bytes(), &LieuxOptions::default()).unwrap();
    (points, lieux, report)
}

#[test]
fn lieux_reader_counts_duplicates_bad_sirets_and_missing_coordinates() {
    let (_, lieux, report) = small();
    assert_eq!((report.read, report.kept), (7, 5));
    assert_eq!(report.skipped_for(SkipReason::DuplicateId), 1);
    assert_eq!(report.skipped_for(SkipReason::MissingCoordinates), 1);
    let text = report.to_string();
    assert!(text.contains("1 row(s) with a malformed SIRET"), "{text}");
    let l3 = lieux.iter().find(|l| l.point.id == "lieu:l3").unwrap();
    assert_eq!(
        (l3.pivot.as_str(), l3.siret.as_deref()),
        ("3560000000000X", None)
    );
    let l2 = lieux.iter().find(|l| l.point.id == "lieu:l2").unwrap();
    assert_eq!(l2.siret, None); // 14 zeros: no SIRET, not malformed
    let services = |id: &str| {
        lieux
            .iter()
            .find(|l| l.point.id == id)
            .unwrap()
            .point
            .services
    };
    assert!(services("lieu:l5").contains(Service::Mediation)); // typologie PIMMS
    assert!(!services("lieu:l6").contains(Service::Mediation)); // digital mediation
    // With commune centroids, l4 is placed at Paris's centroid, commune precision.
    let options = LieuxOptions {
        commune_centroids: Some(HashMap::from([("75056".to_owned(), (2.342, 48.857))])),
    };
    let (lieux, report) = read_lieux_from("lieux.csv", LIEUX.as_bytes(), &options).unwrap();
    assert_eq!(report.kept, 6);
    let l4 = lieux.iter().find(|l| l.point.id == "lieu:l4").unwrap();
    assert_eq!(
        l4.point.precision,
        maillage::GeocodePrecision::CommuneCentre
    );
    assert_eq!((l4.point.lonlat.x, l4.point.lonlat.y), (2.342, 48.857));
}

#[test]
fn lieux_json_form_reads_like_the_csv() {
    let json = r#"[
      {"id": "j1", "nom": "LA POSTE", "pivot": "35600000000001", "latitude": 48.8505, "longitude": 2.35,
       "services": ["Prendre en main un ordinateur", "Accès internet"], "typologie": "FS"},
      {"id": "j2", "nom": "Sans lieu", "latitude": null, "longitude": null},
      42
    ]"#;
    let (lieux, report) =
        read_lieux_from("lieux.json", json.as_bytes(), &LieuxOptions::default()).unwrap();
    assert_eq!((report.read, report.kept), (3, 1));
    assert_eq!(report.skipped_for(SkipReason::MissingCoordinates), 1);
    assert_eq!(report.skipped_for(SkipReason::MalformedRow), 1);
    assert_eq!(
        lieux[0].services,
        "Prendre en main un ordinateur;Accès internet"
    );
    assert!(lieux[0].siret_of_la_poste());
    // Under --partners, detected by its first byte.
    let (points, _) = read::read_partners_from("lieux.json", json.as_bytes()).unwrap();
    assert_eq!(points[0].id, "lieu:j1");
}

#[test]
fn unknown_partner_schema_lists_the_recognised_ones() {
    let err = read::read_partners_from("odd.csv", "foo,bar\n1,2\n".as_bytes())
        .unwrap_err()
        .to_string();
    for expected in [
        "odd.csv: line 1: unknown partner file layout",
        "lieux de médiation numérique",
        "France Services list",
        "conseillers numériques",
        "maillage partner CSV",
    ] {
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
}

#[test]
fn digital_rule_ambiguous_out_of_distance_and_bad_siret() {
    let (points, lieux, _) = small();
    let report = Programmes::new(&points).lieux(&lieux).run().unwrap();
    let m = |id: &str| {
        report
            .digital_matches()
            .iter()
            .find(|m| m.partner_id == id)
            .unwrap()
            .clone()
    };
    // l1: SIRET of La Poste, 0.0005° (55.6 m) from A and 166.8 m from B: ambiguous.
    let l1 = m("lieu:l1");
    assert_eq!(l1.evidence, Evidence::HostedPartnerSiret);
    let (site, d) = l1.site.clone().unwrap();
    assert_eq!(site, "A");
    assert!((d - 55.6).abs() < 0.5, "{d}");
    assert!(l1.is_ambiguous());
    assert_eq!(l1.also_within[0].0, "B");
    assert!((l1.also_within[0].1 - 166.8).abs() < 0.5);
    // l2: named La Poste, 0.008° (890 m in Lambert-93) from B: out of distance.
    let l2 = m("lieu:l2");
    assert_eq!(l2.evidence, Evidence::HostedPartnerName);
    assert_eq!(l2.site, None);
    let reason = l2.reason.unwrap();
    assert!(
        reason.starts_with("nearest point de contact B is 890 m away, beyond 300 m"),
        "{reason}"
    );
    // l3: malformed SIRET, never matched by SIRET: its name does it (B at 11 m).
    let l3 = m("lieu:l3");
    assert_eq!(l3.evidence, Evidence::HostedPartnerName);
    assert_eq!(l3.site.as_ref().unwrap().0, "B");
    // l5 and l6 are not hosted by La Poste.
    assert_eq!(report.digital_matches().len(), 3);
    let hosts: Vec<(&str, Evidence)> = report
        .hosts_of(Service::DigitalInclusion)
        .map(|h| (h.site_id.as_str(), h.evidence))
        .collect();
    assert_eq!(
        hosts,
        [
            ("A", Evidence::HostedPartnerSiret),
            ("B", Evidence::HostedPartnerName)
        ]
    );
}

#[test]
fn ess_label_and_mediation_co_location_rules() {
    let (points, lieux, _) = small();
    let report = Programmes::new(&points).lieux(&lieux).run().unwrap();
    // R is a relais poste labelled ESS; C says ESS too but is an agence
    // postale communale, a kind the rule leaves out.
    let ess: Vec<&str> = report
        .hosts_of(Service::PointPosteEss)
        .map(|h| h.site_id.as_str())
        .collect();
    assert_eq!(ess, ["R"]);
    // l5 (typologie PIMMS) is 0.00002° (2.2 m) from A: same building. l6
    // is digital mediation, not a mediation partner.
    let med: Vec<(&str, Evidence)> = report
        .hosts_of(Service::Mediation)
        .map(|h| (h.site_id.as_str(), h.evidence))
        .collect();
    assert_eq!(
        med,
        [("A", Evidence::CoLocatedPartner)],
        "{:?}",
        report.mediation_matches()
    );
    let d = report
        .hosts_of(Service::Mediation)
        .next()
        .unwrap()
        .distance_m
        .unwrap();
    assert!((d - 2.2).abs() < 0.2, "{d}");
    // A stricter rules file (1 m) leaves it out.
    let strict =
        ProgrammeRules::with_overrides("strict.txt", "mediation.distance_m = 1\n").unwrap();
    let report = Programmes::new(&points)
        .lieux(&lieux)
        .rules(strict)
        .run()
        .unwrap();
    assert_eq!(report.hosts_of(Service::Mediation).count(), 0);
    assert_eq!(
        report.mediation_matches()[0].reason.as_deref(),
        Some("nearest point de contact A is 2 m away, beyond 1 m")
    );
}

#[test]
fn user_list_overrides_and_extends_with_conflicts_reported() {
    let (points, lieux, _) = small();
    let list = [
        Assignment {
            site_id: "B".into(),
            service: Service::DigitalInclusion,
            evidence: None,
            line: 2,
        },
        Assignment {
            site_id: "C".into(),
            service: Service::DigitalInclusion,
            evidence: None,
            line: 3,
        },
        Assignment {
            site_id: "ZZZ".into(),
            service: Service::DigitalInclusion,
            evidence: None,
            line: 4,
        },
    ];
    let report = Programmes::new(&points)
        .lieux(&lieux)
        .assignments(&list)
        .run()
        .unwrap();
    let digital: Vec<(&str, Evidence)> = report
        .hosts_of(Service::DigitalInclusion)
        .map(|h| (h.site_id.as_str(), h.evidence))
        .collect();
    // The list is authoritative for digital inclusion: A (derived) is left
    // out, B (derived and listed) and C (listed) are kept as user_list.
    assert_eq!(
        digital,
        [("B", Evidence::UserList), ("C", Evidence::UserList)]
    );
    let b = report.hosts_of(Service::DigitalInclusion).next().unwrap();
    assert!(
        b.detail
            .contains("user list line 2; derived too: hosted_partner_name"),
        "{}",
        b.detail
    );
    let conflicts: Vec<(&str, &str)> = report
        .conflicts()
        .iter()
        .map(|c| (c.site_id.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(conflicts.len(), 2);
    assert!(conflicts[0].0 == "ZZZ" && conflicts[0].1.contains("no point de contact has this id"));
    assert!(conflicts[1].0 == "A" && conflicts[1].1.contains("absent from the user list"));
    // Services the list does not name keep their derived hosts.
    assert_eq!(report.hosts_of(Service::PointPosteEss).count(), 1);
    let lines = report.evidence();
    assert_eq!(lines[2].source, "the user's assignments list");
}

#[test]
fn bad_rules_lines_are_errors_naming_their_line() {
    let err = |text: &str| {
        ProgrammeRules::with_overrides("my_rules.txt", text)
            .unwrap_err()
            .to_string()
    };
    let e = err("# fine\n\npoint_poste_ess.label = (ESS\n");
    assert!(
        e.starts_with("my_rules.txt: line 3: bad pattern for point_poste_ess.label"),
        "{e}"
    );
    let e = err("mediation.distance_m = far\n");
    assert!(
        e.starts_with("my_rules.txt: line 1: mediation.distance_m must be a distance"),
        "{e}"
    );
    let e = err("just words\n");
    assert!(
        e.starts_with("my_rules.txt: line 1: expected `key = value`"),
        "{e}"
    );
    let e = err("x.y = 1\n");
    assert!(
        e.starts_with("my_rules.txt: line 1: unknown key \"x.y\""),
        "{e}"
    );
    let e = err("point_poste_ess.kinds = relais_poste_commercant boulangerie\n");
    assert!(e.contains("line 1: unknown kind \"boulangerie\""), "{e}");
    let e = err("digital_inclusion.host_siren = 3560-0000\n");
    assert!(e.contains("line 1: a SIREN is digits only"), "{e}");
}

// ── no data is not unserved ────────────────────────────────────────────

#[test]
fn a_service_without_sites_is_no_data_not_unserved() {
    let z = Zone::Metropole;
    let network = ServiceNetwork::new(vec![point("p", z, 0.0, 0.0, &[Service::Postal])]);
    let territories = vec![
        territory(
            "near",
            TerritoryKind::Qpv,
            Some(100),
            z,
            vec![rect(100.0, 0.0, 200.0, 100.0)],
        ),
        territory(
            "far",
            TerritoryKind::Qpv,
            Some(50),
            z,
            vec![rect(5000.0, 0.0, 5100.0, 100.0)],
        ),
    ];
    let report = Coverage::new(&network, &territories)
        .services([Service::Postal, Service::Mediation])
        .run()
        .unwrap();
    assert!(report.has_data(Service::Postal));
    assert!(!report.has_data(Service::Mediation));
    assert!(report.gaps(Service::Mediation).is_empty());
    assert_eq!(report.gaps(Service::Postal).len(), 1);
    let summary = report.summary();
    let med = summary
        .iter()
        .find(|s| s.service == Service::Mediation)
        .unwrap();
    assert_eq!((med.territories, med.served, med.unserved), (2, 0, 0));
    assert_eq!(med.population_unserved, 0);
    assert!(!med.has_data);
    assert_eq!(
        med.to_string(),
        "qpv × mediation: 2 territories, no data (no site in the inputs offers mediation)"
    );
    let post = summary
        .iter()
        .find(|s| s.service == Service::Postal)
        .unwrap();
    assert_eq!(
        (post.served, post.unserved, post.population_unserved),
        (1, 1, 50)
    );
    let statuses: Vec<Status> = report.iter().map(|r| r.status()).collect();
    assert_eq!(
        statuses,
        [
            Status::Served,
            Status::NoData,
            Status::Unserved,
            Status::NoData
        ]
    );
}

#[test]
fn evidence_lines_print_next_to_the_figures() {
    let z = Zone::Metropole;
    let network = ServiceNetwork::new(vec![point("p", z, 0.0, 0.0, &[Service::DigitalInclusion])]);
    let territories = vec![territory(
        "t",
        TerritoryKind::Qpv,
        None,
        z,
        vec![rect(0.0, 0.0, 10.0, 10.0)],
    )];
    let line = maillage::model::ServiceEvidence {
        service: Service::DigitalInclusion,
        sites: 1,
        strength: maillage::model::Strength::Moderate,
        source: "conseillers numériques 2022".into(),
        note: "a 2022 snapshot".into(),
    };
    let report = Coverage::new(&network, &territories)
        .services([Service::DigitalInclusion])
        .evidence([line])
        .run()
        .unwrap();
    assert_eq!(
        report.summary()[0].to_string(),
        "qpv × digital_inclusion: 1 territories, 1 served, 0 unserved (0 inhabitants unserved) — evidence: digital_inclusion: 1 sites known (conseillers numériques 2022; moderate evidence), a 2022 snapshot"
    );
}

/// `maillage programmes` refuses, before reading anything, an output
/// folder that holds one of its inputs, and leaves the input in place.
#[test]
fn programmes_refuse_an_output_folder_holding_an_input() {
    use maillage::command::out::Output;
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("points.csv");
    std::fs::write(&points, "identifiant_a,latitude,longitude\n").unwrap();
    let files = ProgrammeFiles::new().points(&points);
    let e =
        maillage::command::programmes::run(&files, &Output::new(dir.path()), false).unwrap_err();
    assert!(e.to_string().contains("holds the input"), "{e}");
    assert!(points.exists());
    assert!(!dir.path().join("programmes.csv").exists());
}

#[test]
fn of_several_unreadable_files_the_first_given_is_named() {
    // The partner files are read concurrently; the error is the first
    // file's, as when they were read one after the other.
    let missing = |name: &str| std::env::temp_dir().join(format!("maillage-none-{name}.csv"));
    let cases = [
        (
            data("laposte_points_contact_2025.csv"),
            ["first", "second"],
            "first",
        ),
        (missing("points"), ["partner", "other"], "points"),
    ];
    for (points, partners, named) in cases {
        let err = partners
            .iter()
            .fold(ProgrammeFiles::new().points(points), |files, p| {
                files.partners(missing(p))
            })
            .run()
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("maillage-none-{named}.csv")), "{err}");
    }
}

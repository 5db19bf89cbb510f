//! `--programmes auto|<csv>` on `coverage`, `access`, `plan` and `map`: the
//! programmes' hosts applied to a command's sites, every service with a
//! site measured by default, each labelled with its evidence; and the bad
//! inputs of the flag. On the Loire extract of the repository (data/loire).

use std::path::{Path, PathBuf};

use maillage::command::Sites;
use maillage::command::access::AccessOptions;
use maillage::command::coverage::CoverageOptions;
use maillage::command::map::MapOptions;
use maillage::command::plan::{PlanGoal, PlanOptions};
use maillage::coverage::{Coverage, Rule, read_coverage};
use maillage::load::Sources;
use maillage::model::Strength;
use maillage::plan::weights::WeightSpec;
use maillage::programmes::{ProgrammeFiles, ProgrammeSource};
use maillage::{FieldMap, Service, ServiceNetwork, SkipReason, TerritoryKind};

fn loire(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/loire")
        .join(name)
}

/// The Loire's points de contact, France Services and lieux de médiation
/// numérique, with `programmes`.
fn sites(programmes: Option<ProgrammeSource>) -> Sites {
    let mut sites = Sites::new(loire("points_de_contact.csv"));
    sites.partners = vec![loire("france_services.csv"), loire("lieux.csv")];
    sites.programmes = programmes;
    sites
}

fn qpv_coverage(sites: Sites, out: &Path) -> CoverageOptions {
    let mut o = CoverageOptions::new(sites, out);
    o.territories.push(loire("qpv.geojson"));
    o.kind = Some(TerritoryKind::Qpv);
    o
}

#[test]
fn auto_measures_every_programme_with_its_evidence_as_the_library_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cov");
    let outcome = qpv_coverage(sites(Some(ProgrammeSource::Auto)), &out)
        .run()
        .unwrap();
    // Every service some site offers, in Service::ALL order.
    assert_eq!(
        outcome.offering,
        vec![
            (Service::Postal, 854),
            (Service::Mediation, 34),
            (Service::PointPosteEss, 4),
            (Service::DigitalInclusion, 234),
            (Service::FranceServices, 105),
        ]
    );
    let served: Vec<(Service, usize, usize, Strength)> = outcome
        .summary
        .iter()
        .map(|s| {
            let e = s.evidence.as_ref().expect("every service labelled");
            assert_eq!(e.service, s.service);
            (s.service, s.served, s.unserved, e.strength)
        })
        .collect();
    assert_eq!(
        served,
        vec![
            (Service::Postal, 21, 3, Strength::Listed),
            (Service::Mediation, 4, 20, Strength::Weak),
            (Service::PointPosteEss, 0, 24, Strength::Moderate),
            (Service::DigitalInclusion, 9, 15, Strength::Strong),
            (Service::FranceServices, 8, 16, Strength::Listed),
        ]
    );
    let applied = outcome
        .reports
        .iter()
        .find(|r| r.source.contains("--programmes auto"))
        .expect("the hosts applied are reported");
    assert_eq!((applied.read, applied.kept), (12, 12));
    // The report's summary says what each service rests on.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("4 sites, moderate evidence"),
        "point_poste_ess"
    );
    assert!(
        html.contains("234 sites, strong evidence"),
        "digital_inclusion"
    );

    // The same figures as the library's own pipeline (the one the gap map
    // example runs): derive, apply, mark the partners, measure.
    let files = Sources::new()
        .points(loire("points_de_contact.csv"))
        .partners(loire("france_services.csv"))
        .partners(loire("lieux.csv"))
        .territories(loire("qpv.geojson"), FieldMap::qpv());
    let inputs = files.load().unwrap();
    let derived = ProgrammeFiles::of_sources(&files).run().unwrap();
    let mut points = inputs.points;
    derived.apply(&mut points);
    derived.mark_partners(&mut points);
    let network = ServiceNetwork::new(points);
    let report = Coverage::new(&network, &inputs.territories)
        .services(Service::ALL)
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()
        .unwrap();
    let library: Vec<(Service, usize)> = report
        .summary()
        .iter()
        .map(|s| (s.service, s.served))
        .collect();
    let command: Vec<(Service, usize)> = served.iter().map(|s| (s.0, s.1)).collect();
    assert_eq!(library, command);
    let (rows, _) = read_coverage(out.join("coverage.csv")).unwrap();
    assert_eq!(rows.len(), 24 * 5);
}

#[test]
fn a_programmes_file_applies_its_hosts_and_says_their_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let files = ProgrammeFiles::of_sources(&sites(None).sources());
    let (report, _) = maillage::command::programmes::run(
        &files,
        &maillage::command::out::Output::new(dir.path().join("prog")),
        false,
    )
    .unwrap();
    assert_eq!(report.hosts().len(), 12);
    let csv = dir.path().join("prog/programmes.csv");

    // The points alone, with the file: its hosts, and nothing else.
    let mut points_only = Sites::new(loire("points_de_contact.csv"));
    points_only.programmes = Some(ProgrammeSource::File(csv.clone()));
    let outcome = qpv_coverage(points_only, &dir.path().join("cov"))
        .run()
        .unwrap();
    assert_eq!(
        outcome.offering,
        vec![
            (Service::Postal, 854),
            (Service::Mediation, 4),
            (Service::PointPosteEss, 4),
            (Service::DigitalInclusion, 4),
        ]
    );
    let line = |service: Service| {
        outcome
            .summary
            .iter()
            .find(|s| s.service == service)
            .and_then(|s| s.evidence.clone())
            .unwrap()
    };
    assert_eq!(line(Service::PointPosteEss).strength, Strength::Moderate);
    assert!(
        line(Service::PointPosteEss)
            .source
            .contains("programmes.csv: label 4"),
        "{}",
        line(Service::PointPosteEss)
    );
    assert_eq!(line(Service::DigitalInclusion).strength, Strength::Strong);
    assert_eq!(line(Service::Mediation).strength, Strength::Weak);
}

#[test]
fn without_the_flag_the_services_measured_are_those_of_the_sites() {
    let dir = tempfile::tempdir().unwrap();
    let alone = qpv_coverage(
        Sites::new(loire("points_de_contact.csv")),
        &dir.path().join("a"),
    )
    .run()
    .unwrap();
    assert_eq!(alone.offering, vec![(Service::Postal, 854)]);
    let mut with_fs = Sites::new(loire("points_de_contact.csv"));
    with_fs.partners.push(loire("france_services.csv"));
    let fs = qpv_coverage(with_fs, &dir.path().join("b")).run().unwrap();
    assert_eq!(
        fs.offering,
        vec![(Service::Postal, 854), (Service::FranceServices, 105)]
    );
    // Asked for, a service no site offers is "no data", never 24 gaps.
    let mut o = qpv_coverage(
        Sites::new(loire("points_de_contact.csv")),
        &dir.path().join("c"),
    );
    o.services = vec![Service::Postal, Service::Mediation];
    let asked = o.run().unwrap();
    let mediation = asked
        .summary
        .iter()
        .find(|s| s.service == Service::Mediation)
        .unwrap();
    assert!(!mediation.has_data);
    assert_eq!((mediation.served, mediation.unserved), (0, 0));
}

#[test]
fn access_and_plan_count_the_derived_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let mut access = AccessOptions::new(
        sites(Some(ProgrammeSource::Auto)),
        loire("communes.geojson"),
        loire("communes.csv"),
        dir.path().join("acc"),
    );
    access.service = Service::DigitalInclusion;
    let outcome = access.run().unwrap();
    let e = outcome.evidence.expect("the service's evidence");
    assert_eq!(
        (e.service, e.sites, e.strength),
        (Service::DigitalInclusion, 234, Strength::Strong)
    );

    // Plan two more digital-inclusion offices for the QPV: the 4 known
    // hosts and the 230 lieux are the existing sites.
    let sources = sites(None)
        .sources()
        .territories(loire("qpv.geojson"), FieldMap::qpv());
    let options = PlanOptions {
        programmes: Some(ProgrammeSource::Auto),
        sources,
        population: None,
        service: Service::DigitalInclusion,
        candidates: "bureau_de_poste".parse().unwrap(),
        goal: PlanGoal::Add(2),
        close: None,
        radius_m: None,
        minutes: None,
        combine: maillage::access::Combine::And,
        weight: Some(WeightSpec::Count),
        weighting: Default::default(),
        capacity: None,
        exact_seconds: None,
        search_seconds: None,
        geoparquet: false,
        out: maillage::command::out::Output::new(dir.path().join("plan")),
    };
    let run = options.run(&mut |_| {}).unwrap();
    assert_eq!(run.hosts, 234);
    let line = run.evidence.as_ref().unwrap();
    assert_eq!(line.strength, Strength::Strong);
    assert!(
        run.json["evidence"]
            .as_str()
            .unwrap()
            .contains("strong evidence")
    );
    // Without the flag, only the lieux offer it.
    let run = PlanOptions {
        programmes: None,
        out: maillage::command::out::Output::new(dir.path().join("plan2")),
        ..options
    }
    .run(&mut |_| {})
    .unwrap();
    assert_eq!(run.hosts, 230);
    assert!(run.evidence.is_none());
}

#[test]
fn the_map_draws_the_hosts_of_the_service_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let cov = dir.path().join("cov");
    qpv_coverage(sites(Some(ProgrammeSource::Auto)), &cov)
        .run()
        .unwrap();
    let mut map = MapOptions::new(&cov, cov.join("ess.svg"));
    map.points = Some(loire("points_de_contact.csv"));
    map.programmes = Some(ProgrammeSource::Auto);
    map.service = Some(Service::PointPosteEss);
    map.run().unwrap();
    let svg = std::fs::read_to_string(cov.join("ess.svg")).unwrap();
    let points = svg.split("<g id=\"points\"").nth(1).unwrap();
    let points = points.split("</g>\n</g>").next().unwrap();
    assert_eq!(
        points.matches("<circle").count(),
        4,
        "the 4 labelled relais"
    );

    // Without --points there is nothing to apply the hosts to.
    let mut bad = MapOptions::new(&cov, cov.join("bad.svg"));
    bad.programmes = Some(ProgrammeSource::Auto);
    let e = bad.run().unwrap_err().to_string();
    assert!(
        e.contains("--programmes applies to the points drawn"),
        "{e}"
    );
}

#[test]
fn bad_programmes_files_are_clear_errors_or_counted_skips() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!("auto".parse(), Ok(ProgrammeSource::Auto));
    assert!("  ".parse::<ProgrammeSource>().is_err());

    let run = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let mut s = Sites::new(loire("points_de_contact.csv"));
        s.programmes = Some(ProgrammeSource::File(path));
        qpv_coverage(s, &dir.path().join(format!("out-{name}"))).run()
    };
    // A missing file names itself.
    let mut s = Sites::new(loire("points_de_contact.csv"));
    s.programmes = Some(ProgrammeSource::File(dir.path().join("nope.csv")));
    let e = qpv_coverage(s, &dir.path().join("o")).run().unwrap_err();
    assert!(e.to_string().contains("nope.csv"), "{e}");

    // Unknown evidence and unknown site ids are counted skips; the good
    // row is applied.
    let outcome = run(
        "mixed.csv",
        "site_id,service,evidence\n08025A,mediation,co_located_partner\n08025A,digital_inclusion,hearsay\nZZZ,point_poste_ess,label\n08025A,bakery,label\n",
    )
    .unwrap();
    let read = outcome
        .reports
        .iter()
        .find(|r| r.source.ends_with("mixed.csv"))
        .unwrap();
    assert_eq!((read.read, read.kept), (4, 2));
    assert_eq!(read.skipped_for(SkipReason::UnknownEvidence), 1);
    assert_eq!(read.skipped_for(SkipReason::UnknownService), 1);
    let applied = outcome
        .reports
        .iter()
        .find(|r| r.source.starts_with("programme hosts of"))
        .unwrap();
    assert_eq!((applied.read, applied.kept), (2, 1));
    assert_eq!(applied.skipped_for(SkipReason::UnknownSiteId), 1);
    let has_data = |service: Service| {
        outcome
            .summary
            .iter()
            .find(|s| s.service == service)
            .map(|s| s.has_data)
    };
    assert_eq!(has_data(Service::Mediation), Some(true));
    // The row with unknown evidence was skipped: digital inclusion has no
    // site, so it is "no data", never 24 gaps.
    assert_eq!(has_data(Service::DigitalInclusion), Some(false));
    assert_eq!(has_data(Service::PointPosteEss), Some(false));

    // A file with no row names no host: every programme is "no data".
    let empty = run("empty.csv", "site_id,service,evidence\n").unwrap();
    let no_data: Vec<Service> = empty
        .summary
        .iter()
        .filter(|s| !s.has_data)
        .map(|s| s.service)
        .collect();
    assert_eq!(
        no_data,
        vec![
            Service::Mediation,
            Service::PointPosteEss,
            Service::DigitalInclusion
        ]
    );
    // Rows that are all skipped: an error that says why.
    let e = run("bad.csv", "site_id,service\n08025A,bakery\n").unwrap_err();
    assert!(e.to_string().contains("unknown service"), "{e}");
    // No service column: an error naming it.
    let e = run("cols.csv", "site_id,what\n08025A,x\n").unwrap_err();
    assert!(e.to_string().contains("service"), "{e}");
}

//! What changed between the 2016 network and mid-2025?
//!
//! ```sh
//! cargo run --release --features map --example network_change
//! ```
//!
//! A tutorial on the real open data (`$MAILLAGE_DATA`, default
//! `../shared/data`) answering three questions a planner is asked:
//! 1. which communes lost a point de contact within 5 km;
//! 2. which départements moved closer to failing the law (more than 10 % of
//!    their population beyond 5 km, on a 200 m population grid);
//! 3. which QPV of the 2024 list lost a bureau de poste within 500 m.
//!
//! It writes `out/network_change/`: the changes as CSV and GeoJSON, and a
//! national map of the communes that gained or lost.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::compare::Change;
use maillage::load::Sources;
use maillage::map::{GapMap, View};
use maillage::population::PopulationModel;
use maillage::read::read_la_poste;
use maillage::{CommuneSources, Coverage, FieldMap, PointKind, Service, ServiceNetwork};

fn main() -> maillage::Result<()> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let out = PathBuf::from("out/network_change");

    // The two networks, and the territories they are measured on: the
    // current communes (with their population) and the 2024 QPV list.
    let (points_2016, report) = read_la_poste(data.join("laposte_points_contact_2016.csv"))?;
    println!("{report}");
    let (points_2025, report) = read_la_poste(data.join("laposte_points_contact_2025.csv"))?;
    println!("{report}");
    let inputs = Sources::new()
        .territories(data.join("qpv_2024_national.geojson"), FieldMap::qpv())
        .communes(CommuneSources::in_dir(&data))
        .load()?;
    let (qpv, communes) = (inputs.territories, inputs.communes);
    let network_2016 = ServiceNetwork::new(points_2016.clone());
    let network_2025 = ServiceNetwork::new(points_2025.clone());

    // 1. Communes: served when a point de contact lies within 5 km.
    let before = Coverage::new(&network_2016, &communes).run()?;
    let after = Coverage::new(&network_2025, &communes).run()?;
    let changes = after.compare(&before)?;
    println!("\n── communes, a point de contact within 5 km, 2016 → 2025");
    for c in [
        Change::Gained,
        Change::Lost,
        Change::Closer,
        Change::Farther,
    ] {
        println!("{:>8}: {}", c.as_str(), changes.count(c));
    }
    let mut lost: Vec<_> = changes
        .rows()
        .iter()
        .filter(|r| r.change() == Change::Lost)
        .collect();
    lost.sort_by_key(|r| std::cmp::Reverse(r.outcome().population.unwrap_or(0)));
    println!("largest communes that lost one:");
    for r in lost.iter().take(8) {
        println!(
            "  {} {} ({}), {} inhabitants: nearest {:.0} m → {:.0} m",
            r.outcome().territory_id,
            r.outcome().name,
            r.outcome().departement.as_deref().unwrap_or("?"),
            r.outcome().population.unwrap_or(0),
            r.nearest_before_m().unwrap_or(f64::NAN),
            r.nearest_after_m().unwrap_or(f64::NAN)
        );
    }
    changes.write_csv(out.join("communes_changes.csv"))?;
    changes.write_departements_csv(out.join("departements_changes.csv"))?;

    // 2. The law's yardstick per département, before and after.
    let grid = PopulationModel::grid();
    let law_2016 = Accessibility::new(&network_2016, &communes, &grid).run()?;
    let law_2025 = Accessibility::new(&network_2025, &communes, &grid).run()?;
    let shares_2016 = law_2016.by_departement();
    let mut moved: Vec<(String, f64, f64)> = law_2025
        .by_departement()
        .into_iter()
        .filter_map(|d| {
            let b = shares_2016.iter().find(|b| b.code == d.code)?;
            Some((d.code, b.totals.share_beyond(), d.totals.share_beyond()))
        })
        .filter(|(_, b, a)| a > b)
        .collect();
    moved.sort_by(|x, y| (y.2 - y.1).total_cmp(&(x.2 - x.1)));
    println!("\n── départements closer to failing (share beyond 5 km, 200 m grid)");
    for (code, b, a) in moved.iter().take(10) {
        let verdict = if *a > 0.10 { "  FAILS" } else { "" };
        println!(
            "  {code:>3}: {:5.2} % → {:5.2} %{verdict}",
            100.0 * b,
            100.0 * a
        );
    }

    // 3. QPV and bureaux de poste only, within 500 m (the QPV rule).
    let bureaux = |points: &[maillage::ServicePoint]| {
        ServiceNetwork::new(
            points
                .iter()
                .filter(|p| p.kind == PointKind::BureauDePoste)
                .cloned()
                .collect(),
        )
    };
    let (bdp_2016, bdp_2025) = (bureaux(&points_2016), bureaux(&points_2025));
    let qpv_before = Coverage::new(&bdp_2016, &qpv).run()?;
    let qpv_after = Coverage::new(&bdp_2025, &qpv).run()?;
    let qpv_changes = qpv_after.compare(&qpv_before)?;
    let lost_qpv: Vec<_> = qpv_changes
        .rows()
        .iter()
        .filter(|r| r.change() == Change::Lost)
        .collect();
    println!(
        "\n── QPV that lost a bureau de poste within 500 m: {} (gained: {})",
        lost_qpv.len(),
        qpv_changes.count(Change::Gained)
    );
    for r in lost_qpv.iter().take(8) {
        println!(
            "  {} {}: nearest bureau {:.0} m → {:.0} m",
            r.outcome().territory_id,
            r.outcome().name,
            r.nearest_before_m().unwrap_or(f64::NAN),
            r.nearest_after_m().unwrap_or(f64::NAN)
        );
    }
    qpv_changes.write_csv(out.join("qpv_bureaux_changes.csv"))?;
    qpv_changes.write_geojson(out.join("qpv_bureaux_changes.geojson"))?;

    // The map: communes that gained or lost a point de contact within 5 km.
    let mut map = GapMap::from_changes(&changes, Service::Postal)?;
    map.title = "Communes that gained or lost a point de contact within 5 km, 2016 → 2025".into();
    map.write(&View::National, out.join("communes_changes.svg"))?;
    map.write(&View::National, out.join("communes_changes.png"))?;
    println!("\nwrote {}/", out.display());
    Ok(())
}

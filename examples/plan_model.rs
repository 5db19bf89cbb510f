//! A national plan, certified, and its model for any MILP solver.
//!
//! Which 300 bureaux de poste should host mediation so that the most people
//! live within 5 km of one? The demand is the 200 m population grid of
//! France. The plan is solved by maillage (greedy, swaps, kicks, Lagrangian
//! bound), and the presolved instance it solved is written as a CPLEX LP
//! file, so that another solver can check the bound
//! (`tools/crosscheck/plan_lp.py` solves its LP relaxation with HiGHS):
//!
//! ```sh
//! cargo run --release --example plan_model [K] [OUT.lp]
//! python3 tools/crosscheck/plan_lp.py out/plan_model.lp out/plan_model.json
//! ```
//!
//! Reads `$MAILLAGE_DATA` (default `../shared/data`).

use std::io::BufWriter;
use std::path::PathBuf;

use maillage::load::Sources;
use maillage::plan::{Demand, Plan, Reach, candidates, write_lp};
use maillage::population::PopulationModel;
use maillage::{CommuneSources, PointKind, Service, ServiceNetwork};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let mut args = std::env::args().skip(1);
    let k: usize = match args.next() {
        None => 300,
        Some(a) => a
            .parse()
            .map_err(|_| format!("K must be a whole number of sites, got {a:?}"))?,
    };
    let lp = PathBuf::from(args.next().unwrap_or_else(|| "out/plan_model.lp".into()));

    // 1. The mid-2025 points de contact, and the communes with their
    //    population (the commune table beside the polygons).
    let inputs = Sources::new()
        .points(data.join("laposte_points_contact_2025.csv"))
        .communes(CommuneSources::in_dir(&data))
        .load()?;
    let network = ServiceNetwork::new(inputs.points);

    // 2. The demand: every populated 200 m cell, reached within 5 km. The
    //    candidates: the bureaux de poste (none hosts mediation yet here).
    let grid = PopulationModel::grid();
    let demand = Demand::population(&inputs.communes, &grid, &Reach::within(5000.0))?;
    let bureaux = candidates::of_kinds(&network, &[PointKind::BureauDePoste], Service::Mediation);
    let plan = Plan::new(&network, &demand, Service::Mediation)
        .candidates(bureaux)
        .add(k);

    // 3. The plan, with its certified bound and how it was obtained.
    let report = plan.run()?;
    let bound = report.upper_bound().unwrap_or(f64::NAN);
    println!(
        "{k} sites reach {:.0} people; no {k} sites reach more than {bound:.0} (gap {:.2} %)",
        report.objective(),
        100.0 * (bound - report.objective()) / bound
    );
    if let Some(solve) = &report.solve {
        println!(
            "answer by {}, bound by {}",
            solve.objective_method, solve.bound_method
        );
    }

    // 4. The presolved instance the plan solved, as a model for any solver.
    let (instance, sizes) = plan.presolved()?;
    println!(
        "presolve: {} × {} ({} pairs) → {} units × {} candidates ({} pairs)",
        sizes.before.units,
        sizes.before.candidates,
        sizes.before.nonzeros,
        sizes.after.units,
        sizes.after.candidates,
        sizes.after.nonzeros
    );
    if let Some(dir) = lp.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = BufWriter::new(std::fs::File::create(&lp)?);
    write_lp(&instance, k, &mut out)?;
    let summary = serde_json::json!({
        "k": k,
        "objective": report.objective(),
        "upper_bound": bound,
        "units": sizes.after.units,
        "candidates": sizes.after.candidates,
    });
    std::fs::write(lp.with_extension("json"), summary.to_string())?;
    println!(
        "wrote {} and {}",
        lp.display(),
        lp.with_extension("json").display()
    );
    Ok(())
}

//! The `maillage` command: parses the command line
//! ([`maillage::command::args`]), runs the command and prints what it found.

// mimalloc: reading allocates many small vectors from every thread, which
// the system allocator serves more slowly (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use maillage::command::Observer;
use maillage::command::args::{Cli, Command};
use maillage::command::compare::Compared;
use maillage::command::coverage::CoverageOutcome;
use maillage::command::plan::Step;
use maillage::compare::{Change, SiteChange};
use maillage::{LoadReport, Result};

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maillage: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    let printer = &mut Printer::default();
    match command {
        Command::Coverage(args) => print_coverage(&args.options().run_with(printer)?),
        Command::Access(args) => {
            let outcome = args.options().run_with(printer)?;
            if let Some(e) = &outcome.evidence {
                println!("evidence: {e}");
            }
            println!("{}", outcome.compliance);
            print_written(&outcome.files);
        }
        Command::Map(args) => {
            let outcome = args.options().run_with(printer)?;
            println!("wrote {}", outcome.file.display());
        }
        Command::Compare(args) => {
            let done = maillage::command::compare::run(&args.options())?;
            printer.loaded(&done.reports);
            print_compared(&done);
        }
        Command::Plan(args) => {
            let options = args.options()?;
            eprintln!("── loading");
            let run = options.run(&mut |step| match step {
                Step::Stage(name) => printer.step(name),
                Step::Loaded(reports) => printer.loaded(reports),
            })?;
            printer.step_done();
            if !run.closed.is_empty() {
                eprintln!("{} site(s) closed before planning", run.closed.len());
            }
            for line in run.summary() {
                println!("{line}");
            }
            print_written(&run.written);
            if run.met() == Some(false) {
                return Err(maillage::Error::Invalid {
                    what: "plan",
                    message: "the target is not met as measured: the plan is written with `met: false` in plan.json".into(),
                });
            }
        }
        Command::Closures(args) => println!("{}", args.options().run_with(printer)?.lines()),
        Command::Programmes(args) => {
            let (files, out) = args.options();
            let (report, written) =
                maillage::command::programmes::run(&files, &out, args.geoparquet())?;
            for load in report.loads() {
                println!("{load}");
            }
            print!("{report}");
            print_written(&written);
        }
        Command::Demo(args) => {
            args.options().run()?;
            let (seed, out) = (args.seed, args.out.display());
            println!("wrote the demo territory (seed {seed}) to {out}");
        }
    }
    Ok(())
}

fn print_written(paths: &[PathBuf]) {
    println!("── written");
    for path in paths {
        println!("{}", path.display());
    }
}

fn print_coverage(outcome: &CoverageOutcome) {
    println!("── summary");
    for s in &outcome.summary {
        println!("{s}");
        if s.population == 0 && s.unserved > 0 {
            println!(
                "   no population known for {}: gaps are ranked by distance to the nearest point, not by people (join one with --population-table)",
                s.kind
            );
        }
    }
    for (service, gaps) in &outcome.gaps {
        println!("── largest gaps for {service}");
        for (i, g) in gaps.iter().enumerate() {
            let pop = g.population.map_or("?".to_owned(), |p| p.to_string());
            let nearest = match &g.nearest {
                Some(p) => format!("nearest {} at {:.0} m", p.id, p.distance_m),
                None => "no point in this zone".to_owned(),
            };
            let (n, id, name) = (i + 1, &g.territory_id, &g.name);
            println!("{n:>3}. {id} {name} (pop. {pop}): {nearest}");
        }
    }
    print_written(&outcome.files);
}

fn print_compared(done: &Compared) {
    if let Some(changes) = &done.changes {
        let rows = changes.rows().len();
        println!("── changes ({rows} territory × service rows)");
        for c in Change::ALL {
            println!("{:>10}: {}", c.as_str(), changes.count(c));
        }
        if done.without_geometry > 0 {
            println!(
                "{} changed row(s) have no geometry in either folder (run coverage with --all-geojson): left out of changes.geojson",
                done.without_geometry
            );
        }
        for (service, why) in &done.no_map {
            println!("no map for {service}: {why}");
        }
    }
    if let Some(sites) = &done.sites {
        println!("── sites ({} before, {} after)", sites.before, sites.after);
        for c in SiteChange::ALL {
            println!("{:>24}: {}", c.as_str(), sites.count(c));
        }
    }
    print_written(&done.written);
}

/// Prints what a command tells while it runs: notes and load reports on
/// stderr, and a spinner with the step's name and elapsed time while a long
/// step runs (national reading, grids, planning). The spinner is drawn only
/// when stderr is a terminal, so that logs, pipes and tests stay clean.
#[derive(Default)]
struct Printer(Option<indicatif::ProgressBar>);

impl Observer for Printer {
    fn note(&mut self, line: &str) {
        eprintln!("{line}");
    }

    fn step(&mut self, name: &str) {
        self.step_done();
        use std::io::IsTerminal;
        let bar = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_message(name.to_owned());
        self.0 = Some(bar);
    }

    fn step_done(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }

    fn loaded(&mut self, reports: &[LoadReport]) {
        for r in reports {
            eprintln!("{r}");
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        self.step_done();
    }
}

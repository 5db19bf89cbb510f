//! A seeded generator of a small, plausible, **synthetic** demo territory.
//!
//! "Val-de-Maille" (département `99`) is invented: a city (Maillebourg) with
//! three QPV, a ring of suburbs, three small towns with a fourth QPV, and
//! dispersed rural communes, laid on a jittered lattice in the middle of
//! France so that the real projection (Lambert-93) applies. It has post
//! offices of every kind (some rural communes have none: those are the gaps
//! to find), France Services sites, conseillers numériques and a Point
//! Poste ESS, and a programme-assignment file tagging offices with mediation
//! and digital inclusion. Nothing in it describes a real place.
//!
//! The same seed always writes the same bytes (SplitMix64, fixed number
//! formatting), so the files in `data/demo/` can be checked against a fresh
//! generation.
//!
//! [`load`] reads the files of `data/demo/`; the generator that writes them
//! ([`generate`], [`DemoFiles`]) is behind the `demo` feature, out of the
//! default library.

use std::path::Path;

use crate::error::Result;

#[cfg(feature = "demo")]
mod generate;
#[cfg(feature = "demo")]
pub use generate::{DemoFiles, generate};

/// The seed of the files in `data/demo/`.
pub const DEFAULT_SEED: u64 = 2026;

/// The demo territory loaded from its folder (`data/demo`): the network of
/// its points (programmes applied), its communes, QPV and département.
#[derive(Debug, Clone)]
pub struct Demo {
    /// Points de contact and partners, indexed.
    pub network: crate::network::ServiceNetwork,
    /// The 69 communes, with population and density class.
    pub communes: Vec<crate::model::Territory>,
    /// The 4 QPV.
    pub qpv: Vec<crate::model::Territory>,
    /// The département outline.
    pub departement: Vec<crate::model::Territory>,
    /// What each file gave.
    pub reports: Vec<crate::report::LoadReport>,
}

/// Loads the demo territory from `dir` (the files `DemoFiles::write` writes).
///
/// ```
/// let demo = maillage::demo::load("data/demo")?;
/// assert_eq!((demo.communes.len(), demo.qpv.len()), (69, 4));
/// # Ok::<(), maillage::Error>(())
/// ```
pub fn load(dir: impl AsRef<Path>) -> Result<Demo> {
    use crate::load::Sources;
    use crate::read::{CommuneSources, FieldMap};
    let dir = dir.as_ref();
    let inputs = Sources::new()
        .points(dir.join("points.csv"))
        .partners(dir.join("partners.csv"))
        .assignments(dir.join("assignments.csv"))
        .territories(dir.join("qpv.geojson"), FieldMap::qpv())
        .communes(CommuneSources::new(dir.join("communes.geojson")).table(dir.join("communes.csv")))
        .load()?;
    let (departement, report) =
        crate::read::read_territories(dir.join("departement.geojson"), &FieldMap::departements())?;
    let mut reports = inputs.reports;
    reports.push(report);
    Ok(Demo {
        network: crate::network::ServiceNetwork::new(inputs.points),
        communes: inputs.communes,
        qpv: inputs.territories,
        departement,
        reports,
    })
}

//! `maillage map`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::output;
use crate::command::map::MapOptions;
use crate::map::View;
use crate::model::Service;
use crate::programmes::ProgrammeSource;

/// `maillage map`.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// Output folder of `maillage coverage` (reads coverage.geojson, written with
    /// --all-geojson, else gaps.geojson).
    #[arg(long, value_name = "DIR")]
    pub coverage: PathBuf,
    /// Outlines to draw over the map (e.g. departements_2025.geojson). Repeatable.
    #[arg(long, value_name = "GEOJSON")]
    pub territories: Vec<PathBuf>,
    /// Points to draw (a La Poste points de contact CSV).
    #[arg(long, value_name = "CSV")]
    pub points: Option<PathBuf>,
    /// The programmes' hosts applied to --points (`auto`: derived from its
    /// labels; or a programmes.csv): the points drawn are then those
    /// offering the service mapped.
    #[arg(long, value_name = "auto|CSV")]
    pub programmes: Option<ProgrammeSource>,
    /// Service to map (default: the first in the file).
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<Service>,
    /// national, dep:<code> or bbox:<min lon>,<min lat>,<max lon>,<max lat>.
    #[arg(long, default_value = "national")]
    pub view: View,
    /// Map title.
    #[arg(long)]
    pub title: Option<String>,
    /// Output file: .svg, .png or .html.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Overwrite an output file that no maillage run recorded (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl MapArgs {
    /// The options of this map.
    pub fn options(self) -> MapOptions {
        MapOptions {
            coverage: self.coverage,
            territories: self.territories,
            points: self.points,
            programmes: self.programmes,
            service: self.service,
            view: self.view,
            title: self.title,
            out: output(&self.out, self.force),
        }
    }
}

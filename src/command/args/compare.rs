//! `maillage compare`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::output;
use crate::command::compare::CompareOptions;
use crate::map::View;

/// `maillage compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Output folder of the earlier `coverage` run.
    #[arg(long, value_name = "DIR", requires = "after")]
    pub before: Option<PathBuf>,
    /// Output folder of the later `coverage` run.
    #[arg(long, value_name = "DIR", requires = "before")]
    pub after: Option<PathBuf>,
    /// The earlier network (La Poste points de contact or a partner file).
    #[arg(long, value_name = "FILE", requires = "points_after")]
    pub points_before: Option<PathBuf>,
    /// The later network.
    #[arg(long, value_name = "FILE", requires = "points_before")]
    pub points_after: Option<PathBuf>,
    /// Sites farther apart than this have moved; sites with different ids
    /// closer than this are matched by position.
    #[arg(long, value_name = "METRES", default_value_t = 100.0)]
    pub tolerance_m: f64,
    /// View of the change maps: national, dep:<code> or bbox:<...>.
    #[arg(long, default_value = "national")]
    pub view: View,
    /// `geoparquet`: also write every table as Parquet (`changes.parquet`
    /// and `points_changes.parquet` as GeoParquet, with their geometry;
    /// `departements_changes.parquet`); `csv` (the default): the CSV and
    /// GeoJSON files alone.
    #[cfg(feature = "geoparquet")]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<super::Format>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl CompareArgs {
    /// The options of this comparison.
    pub fn options(self) -> CompareOptions {
        CompareOptions {
            before: self.before,
            after: self.after,
            points_before: self.points_before,
            points_after: self.points_after,
            tolerance_m: self.tolerance_m,
            view: self.view,
            #[cfg(feature = "geoparquet")]
            geoparquet: super::geoparquet(false, self.format),
            #[cfg(not(feature = "geoparquet"))]
            geoparquet: false,
            out: output(&self.out, self.force),
        }
    }
}

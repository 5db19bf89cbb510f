//! `maillage access`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::{TimeArgs, output};
use crate::command::access::AccessOptions;
use crate::command::{CommuneFile, Sites};
use crate::load::PopulationSpec;
use crate::model::Service;

/// `maillage access`.
#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sites: Sites,
    /// Commune polygons (GeoJSON, Shapefile, GeoPackage or GeoParquet;
    /// `code_insee_2026`, `code_insee` or `insee_com`).
    #[arg(long, value_name = "FILE")]
    pub communes: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub commune_file: CommuneFile,
    /// Commune table with `code_insee`, `population`, `dep` (communes_france.csv).
    #[arg(long, value_name = "CSV")]
    pub population: PathBuf,
    /// FRR zoning table, to carry FRR classes into communes.csv.
    #[arg(long, value_name = "CSV")]
    pub frr: Option<PathBuf>,
    /// Population model: centroid, grid, grid:<metres>, or filosofi:<csv>.
    #[arg(long, value_name = "MODEL", default_value = "centroid")]
    pub model: PopulationSpec,
    /// Service measured (default postal).
    #[arg(long, value_name = "SERVICE", default_value = "postal")]
    pub service: Service,
    /// Distance threshold in metres.
    #[arg(long, value_name = "METRES", default_value_t = crate::access::LAW_DISTANCE_M)]
    pub radius_m: f64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    /// OpenStreetMap extract (.osm.pbf) for road travel times.
    #[arg(long, value_name = "PBF", requires = "minutes")]
    pub roads: Option<PathBuf>,
    /// Also total the population by these territories (e.g. QPV polygons).
    #[arg(long, value_name = "GEOJSON")]
    pub by: Vec<PathBuf>,
    /// Id property of the --by territories (QPV fields are known).
    #[arg(long, value_name = "FIELD")]
    pub by_id_field: Option<String>,
    /// Also write the communes' results with their polygons as GeoParquet
    /// (`communes.parquet`; built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long)]
    pub geoparquet: bool,
    /// `geoparquet`: also write every table and layer as GeoParquet (as
    /// `--geoparquet`); `csv` (the default): the CSV and GeoJSON files alone.
    #[cfg(feature = "geoparquet")]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<super::Format>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear the files of the output folder that no maillage run recorded
    /// (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl AccessArgs {
    /// The options of this accessibility run.
    pub fn options(self) -> AccessOptions {
        AccessOptions {
            sites: self.sites,
            communes: self.communes,
            commune_file: self.commune_file,
            population: self.population,
            frr: self.frr,
            model: self.model,
            service: self.service,
            radius_m: self.radius_m,
            minutes: self.time.minutes,
            roads: self.roads,
            combine: self.time.combine,
            by: self.by,
            by_id_field: self.by_id_field,
            #[cfg(feature = "geoparquet")]
            geoparquet: super::geoparquet(self.geoparquet, self.format),
            out: output(&self.out, self.force),
        }
    }
}

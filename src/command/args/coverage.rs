//! `maillage coverage`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::{TerritoryArgs, output};
use crate::command::coverage::CoverageOptions;
use crate::command::{CommuneFile, Sites};
use crate::map::View;
use crate::model::Service;

/// `maillage coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sites: Sites,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub territories: TerritoryArgs,
    /// Property holding the territory name.
    #[arg(long, value_name = "FIELD")]
    pub name_field: Option<String>,
    /// Property holding the territory population.
    #[arg(long, value_name = "FIELD")]
    pub population_field: Option<String>,
    /// Property holding the département code.
    #[arg(long, value_name = "FIELD")]
    pub departement_field: Option<String>,
    /// Commune polygons (e.g. communes_2018_simplified.geojson, or ADMIN
    /// EXPRESS as a Shapefile or GeoPackage), as communes with current
    /// codes; combine with --commune-table and --frr.
    #[arg(long, value_name = "FILE")]
    pub communes: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub commune_file: CommuneFile,
    /// Commune table with population and typologies (communes_france.csv).
    #[arg(long, value_name = "CSV", requires = "communes")]
    pub commune_table: Option<PathBuf>,
    /// FRR zoning table (frr_communes.csv).
    #[arg(long, value_name = "CSV", requires = "communes")]
    pub frr: Option<PathBuf>,
    /// Service to measure. Repeatable; default: postal.
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<Service>,
    /// Served when a point lies within this many metres (overrides the per-kind defaults).
    #[arg(long, value_name = "METRES", conflicts_with = "inside")]
    pub radius_m: Option<f64>,
    /// Served only when a point lies inside the territory.
    #[arg(long)]
    pub inside: bool,
    /// Also write every result (not only gaps) as GeoJSON.
    #[arg(long)]
    pub all_geojson: bool,
    /// Also write the results as Parquet (built with the `polars` feature).
    #[cfg(feature = "polars")]
    #[arg(long)]
    pub parquet: bool,
    /// Also write the results as GeoParquet (`coverage.parquet` with every
    /// result's geometry, `gaps.parquet`; built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long)]
    pub geoparquet: bool,
    /// `geoparquet`: also write every table and layer as GeoParquet (as
    /// `--geoparquet`); `csv` (the default): the CSV and GeoJSON files alone.
    #[cfg(feature = "geoparquet")]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<super::Format>,
    /// Part of France drawn in report.html: `national`, `dep:<code>` or
    /// `bbox:<min lon>,<min lat>,<max lon>,<max lat>`.
    #[arg(long, value_name = "VIEW", default_value = "national", value_parser = View::parse)]
    pub view: View,
    /// Outlines drawn over report.html's map (e.g. the départements); repeatable.
    #[arg(long = "outlines", value_name = "GEOJSON")]
    pub outlines: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear the files of the output folder that no maillage run recorded
    /// (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl CoverageArgs {
    /// The options of this coverage run.
    pub fn options(self) -> CoverageOptions {
        let t = self.territories;
        CoverageOptions {
            sites: self.sites,
            territories: t.territories,
            kind: t.kind,
            crs: t.crs,
            layer: t.layer,
            id_field: t.id_field,
            name_field: self.name_field,
            population_field: self.population_field,
            departement_field: self.departement_field,
            population_table: t.population_table,
            population_id: t.population_id,
            population_column: t.population_column,
            communes: self.communes,
            commune_file: self.commune_file,
            commune_table: self.commune_table,
            frr: self.frr,
            services: self.services,
            radius_m: self.radius_m,
            inside: self.inside,
            all_geojson: self.all_geojson,
            #[cfg(feature = "polars")]
            parquet: self.parquet,
            #[cfg(feature = "geoparquet")]
            geoparquet: super::geoparquet(self.geoparquet, self.format),
            view: self.view,
            outlines: self.outlines,
            out: output(&self.out, self.force),
        }
    }
}

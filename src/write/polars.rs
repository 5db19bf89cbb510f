//! DataFrame and Parquet output through polars (feature `polars`).

use std::path::Path;

use polars::prelude::*;

use crate::coverage::schema::{COVERAGE_COLUMNS, Cell, ColumnType, cells};
use crate::coverage::{CoverageReport, Record};
use crate::error::{Error, Result};

impl CoverageReport<'_> {
    /// The results as a polars DataFrame, one row per territory and service,
    /// with the columns of [`COVERAGE_COLUMNS`](crate::coverage::schema::COVERAGE_COLUMNS),
    /// typed: text `String`, whole numbers `u64`, distances `f64`, served `bool`.
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        let records: Vec<_> = self.iter().collect();
        dataframe_of(&records)
    }
}

/// The coverage columns of `records`, typed.
fn dataframe_of(records: &[Record<'_>]) -> Result<DataFrame> {
    let rows: Vec<_> = records.iter().map(cells).collect();
    let columns = COVERAGE_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let values = rows.iter().filter_map(|row| row.get(i));
            let name = PlSmallStr::from_static(column.name);
            match column.kind {
                ColumnType::Text => Series::new(
                    name,
                    values
                        .map(|c| match c {
                            Cell::Text(t) => t.as_deref().map(str::to_owned),
                            _ => None,
                        })
                        .collect::<Vec<Option<String>>>(),
                ),
                ColumnType::Integer => Series::new(
                    name,
                    values
                        .map(|c| match c {
                            Cell::Integer(v) => *v,
                            _ => None,
                        })
                        .collect::<Vec<Option<u64>>>(),
                ),
                ColumnType::Float { .. } => Series::new(
                    name,
                    values
                        .map(|c| match c {
                            Cell::Float(v) => *v,
                            _ => None,
                        })
                        .collect::<Vec<Option<f64>>>(),
                ),
                ColumnType::Bool => Series::new(
                    name,
                    values
                        .map(|c| matches!(c, Cell::Bool(true)))
                        .collect::<Vec<bool>>(),
                ),
            }
            .into()
        })
        .collect::<Vec<Column>>();
    DataFrame::new_infer_height(columns).map_err(|e| Error::encode("DataFrame", e))
}

impl CoverageReport<'_> {
    /// Writes [`to_dataframe`](Self::to_dataframe) as a Parquet file (zstd).
    pub fn write_parquet(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let mut df = self.to_dataframe()?;
        crate::outfile::write_file(path, |file| {
            ParquetWriter::new(file)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df)
                .map(|_| ())
                .map_err(|e| Error::encode("Parquet", e))
        })
    }
}

#[cfg(feature = "geoparquet")]
mod geoparquet {
    use std::path::Path;

    use geo::BoundingRect;
    use polars::prelude::*;
    use rayon::prelude::*;

    use super::dataframe_of;
    use crate::access::AccessReport;
    use crate::coverage::schema::RANK;
    use crate::coverage::{CoverageReport, Record};
    use crate::error::{Error, Result};
    use crate::geom::crs::Projector;
    use crate::plan::PlanReport;
    use crate::read::wkb_of;
    use crate::write::Features;
    use crate::write::geojson::lonlat_geometry;

    /// The union of boxes, as GeoParquet's `bbox`.
    fn bbox_of<'g>(
        geometries: impl Iterator<Item = &'g geo_types::Geometry<f64>>,
    ) -> Option<[f64; 4]> {
        geometries
            .filter_map(BoundingRect::bounding_rect)
            .fold(None, |acc: Option<[f64; 4]>, r| {
                let b = [r.min().x, r.min().y, r.max().x, r.max().y];
                Some(acc.map_or(b, |a| {
                    [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ]
                }))
            })
    }

    /// Appends `geometries` (WGS84 lon/lat, one per row) to `df` as a WKB
    /// `geometry` column and writes GeoParquet 1.1: its `geo` metadata names
    /// the column, the encoding, the geometry types and the box (no `crs`:
    /// OGC:CRS84 by the specification).
    fn write(
        path: &Path,
        mut df: DataFrame,
        geometries: &[geo_types::Geometry<f64>],
        types: &[&str],
    ) -> Result<()> {
        let blobs: Vec<Vec<u8>> = geometries
            .par_iter()
            .map(wkb_of)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::encode("WKB", e))?;
        let slices: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
        df.with_column(Column::new(PlSmallStr::from_static("geometry"), slices))
            .map_err(|e| Error::encode("DataFrame", e))?;
        let mut column = serde_json::Map::new();
        column.insert("encoding".into(), "WKB".into());
        column.insert("geometry_types".into(), serde_json::json!(types));
        if let Some(b) = bbox_of(geometries.iter()) {
            column.insert("bbox".into(), serde_json::json!(b));
        }
        let geo = serde_json::json!({
            "version": "1.1.0",
            "primary_column": "geometry",
            "columns": {"geometry": column},
        });
        crate::outfile::write_file(path, |file| {
            ParquetWriter::new(file)
                .with_compression(ParquetCompression::Zstd(None))
                .with_key_value_metadata(Some(KeyValueMetadata::from_static(vec![(
                    "geo".to_owned(),
                    geo.to_string(),
                )])))
                .finish(&mut df)
                .map(|_| ())
                .map_err(|e| Error::encode("GeoParquet", e))
        })
    }

    /// The columns of a CSV maillage wrote (header first): the `text`
    /// columns (ids, codes: "01001" stays "01001") as text, the others
    /// typed by polars.
    fn dataframe_of_csv(csv: Vec<u8>, text: &[&str]) -> Result<DataFrame> {
        let schema = Schema::from_iter(
            text.iter()
                .map(|c| Field::new(PlSmallStr::from(*c), DataType::String)),
        );
        CsvReadOptions::default()
            .with_has_header(true)
            .with_schema_overwrite(Some(Arc::new(schema)))
            .into_reader_with_file_handle(std::io::Cursor::new(csv))
            .finish()
            .map_err(|e| Error::encode("DataFrame", e))
    }

    impl CoverageReport<'_> {
        /// Writes the results as GeoParquet 1.1: the coverage columns of the
        /// CSV (preceded by `rank` for [`Features::Gaps`]), and the
        /// territory's geometry in WGS84 lon/lat (OGC:CRS84) as WKB in a
        /// `geometry` column, described by the file's `geo` metadata, so that
        /// GeoPandas, QGIS and DuckDB open it directly.
        pub fn write_geoparquet(&self, path: impl AsRef<Path>, which: Features) -> Result<()> {
            let (records, ranks): (Vec<Record<'_>>, Option<Vec<u64>>) = match which {
                Features::All => (self.iter().collect(), None),
                Features::Gaps => {
                    let mut records = Vec::new();
                    let mut ranks = Vec::new();
                    for &service in self.services() {
                        for (i, r) in self.gaps(service).into_iter().enumerate() {
                            records.push(r);
                            ranks.push(i as u64 + 1);
                        }
                    }
                    (records, Some(ranks))
                }
            };
            let projector = Projector::shared()?;
            let geometries: Vec<geo_types::Geometry<f64>> = records
                .par_iter()
                .map(|r| lonlat_geometry(r.territory, projector).map(Into::into))
                .collect::<Result<_>>()?;
            let mut df = dataframe_of(&records)?;
            if let Some(ranks) = ranks {
                df.insert_column(0, Column::new(PlSmallStr::from_static(RANK.name), ranks))
                    .map_err(|e| Error::encode("DataFrame", e))?;
            }
            write(path.as_ref(), df, &geometries, &["Polygon", "MultiPolygon"])
        }
    }

    impl AccessReport<'_> {
        /// Writes the rows of [`write_communes_csv`](Self::write_communes_csv)
        /// as GeoParquet 1.1, with each commune's polygon (WGS84 lon/lat) in a
        /// WKB `geometry` column.
        pub fn write_communes_geoparquet(&self, path: impl AsRef<Path>) -> Result<()> {
            let rows: Vec<_> = self.communes().collect();
            let mut csv = Vec::new();
            crate::write::access::totals_csv(&mut csv, rows.iter().copied())?;
            let df = dataframe_of_csv(
                csv,
                &["id", "name", "dep", "grille_densite", "classement_frr"],
            )?;
            let projector = Projector::shared()?;
            let geometries: Vec<geo_types::Geometry<f64>> = rows
                .par_iter()
                .map(|(t, _)| lonlat_geometry(t, projector).map(Into::into))
                .collect::<Result<_>>()?;
            write(path.as_ref(), df, &geometries, &["Polygon", "MultiPolygon"])
        }
    }

    impl PlanReport {
        /// Writes the rows of [`write_sites_csv`](Self::write_sites_csv) as
        /// GeoParquet 1.1, each site a point (WGS84 lon/lat) in a WKB
        /// `geometry` column.
        pub fn write_sites_geoparquet(&self, path: impl AsRef<Path>) -> Result<()> {
            let mut csv = Vec::new();
            crate::write::plan::sites_csv(&mut csv, self.sites().iter(), self.service)?;
            let df = dataframe_of_csv(csv, &["site_id", "name", "kind", "departement"])?;
            let geometries: Vec<geo_types::Geometry<f64>> = self
                .sites()
                .iter()
                .map(|s| geo_types::Point(s.candidate.lonlat).into())
                .collect();
            write(path.as_ref(), df, &geometries, &["Point"])
        }
    }
}

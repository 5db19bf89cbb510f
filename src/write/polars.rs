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
impl CoverageReport<'_> {
    /// Writes the results as GeoParquet 1.1: the coverage columns of the CSV
    /// (preceded by `rank` for [`Features::Gaps`](super::Features::Gaps)),
    /// and the territory's geometry in WGS84 lon/lat (OGC:CRS84) as WKB in a
    /// `geometry` column, described by the file's `geo` metadata, so that
    /// GeoPandas, QGIS and DuckDB open it directly.
    pub fn write_geoparquet(&self, path: impl AsRef<Path>, which: super::Features) -> Result<()> {
        use geo::BoundingRect;

        use crate::coverage::schema::RANK;
        use crate::crs::Projector;
        use crate::read::wkb_of;
        use crate::write::geojson::lonlat_geometry;

        let path = path.as_ref();
        let (records, ranks): (Vec<Record<'_>>, Option<Vec<u64>>) = match which {
            super::Features::All => (self.iter().collect(), None),
            super::Features::Gaps => {
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
        let mut blobs = Vec::with_capacity(records.len());
        let mut bbox: Option<geo_types::Rect<f64>> = None;
        for r in &records {
            let g = lonlat_geometry(r.territory, projector)?;
            if let Some(b) = g.bounding_rect() {
                bbox = Some(bbox.map_or(b, |a| {
                    geo_types::Rect::new(
                        geo_types::Coord {
                            x: a.min().x.min(b.min().x),
                            y: a.min().y.min(b.min().y),
                        },
                        geo_types::Coord {
                            x: a.max().x.max(b.max().x),
                            y: a.max().y.max(b.max().y),
                        },
                    )
                }));
            }
            blobs.push(wkb_of(&g).map_err(|e| Error::encode("WKB", e))?);
        }
        let mut df = dataframe_of(&records)?;
        if let Some(ranks) = ranks {
            df.insert_column(0, Column::new(PlSmallStr::from_static(RANK.name), ranks))
                .map_err(|e| Error::encode("DataFrame", e))?;
        }
        let slices: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
        df.with_column(Column::new(PlSmallStr::from_static("geometry"), slices))
            .map_err(|e| Error::encode("DataFrame", e))?;
        let mut column = serde_json::Map::new();
        column.insert("encoding".into(), "WKB".into());
        column.insert(
            "geometry_types".into(),
            serde_json::json!(["Polygon", "MultiPolygon"]),
        );
        if let Some(b) = bbox {
            column.insert(
                "bbox".into(),
                serde_json::json!([b.min().x, b.min().y, b.max().x, b.max().y]),
            );
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
}

//! GeoParquet 1.1 output (feature `geoparquet`), through the Apache Arrow
//! `parquet` crate: the columns of the matching CSV, typed, then the
//! geometry in WGS84 lon/lat (OGC:CRS84) as WKB in a `geometry` column,
//! described by the file's `geo` metadata, and for polygons a `bbox`
//! covering column (GeoParquet 1.1), so that GeoPandas, QGIS, DuckDB and
//! Sedona open the files directly and can skip row groups by box.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BinaryArray, BooleanArray, Float64Array, RecordBatch, StringArray, StructArray,
    UInt64Array,
};
use arrow_schema::{DataType, Field, Fields, Schema};
use geo::{BoundingRect, MapCoordsInPlace};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;

use crate::access::AccessReport;
use crate::coverage::schema::{COVERAGE_COLUMNS, Cell, ColumnType, RANK, cells};
use crate::coverage::{CoverageReport, Record};
use crate::error::{Error, Result};
use crate::geom::crs::Projector;
use crate::plan::PlanReport;
use crate::read::wkb_of;
use crate::write::Features;
use crate::write::geojson::lonlat_geometry;

/// One typed column of a table.
enum Column {
    Text(Vec<Option<String>>),
    Count(Vec<Option<u64>>),
    Number(Vec<Option<f64>>),
    Flag(Vec<Option<bool>>),
}

impl Column {
    fn field(&self, name: &str) -> Field {
        let kind = match self {
            Column::Text(_) => DataType::Utf8,
            Column::Count(_) => DataType::UInt64,
            Column::Number(_) => DataType::Float64,
            Column::Flag(_) => DataType::Boolean,
        };
        Field::new(name, kind, true)
    }

    fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Count(v) => v.len(),
            Column::Number(v) => v.len(),
            Column::Flag(v) => v.len(),
        }
    }

    fn array(self) -> ArrayRef {
        match self {
            Column::Text(v) => Arc::new(StringArray::from(v)),
            Column::Count(v) => Arc::new(UInt64Array::from(v)),
            Column::Number(v) => Arc::new(Float64Array::from(v)),
            Column::Flag(v) => Arc::new(BooleanArray::from(v)),
        }
    }

    /// A column of a CSV maillage wrote, typed by its values: whole
    /// numbers, then numbers, then `true`/`false`, else text (empty cells
    /// are nulls). `text` columns (ids, codes: "01001") stay text.
    fn of_csv(values: Vec<String>, text: bool) -> Column {
        let present = || values.iter().filter(|v| !v.is_empty());
        fn opt(v: &String) -> Option<&String> {
            (!v.is_empty()).then_some(v)
        }
        if !text && present().next().is_some() {
            if present().all(|v| v.parse::<u64>().is_ok()) {
                return Column::Count(
                    values
                        .iter()
                        .map(|v| opt(v).and_then(|v| v.parse().ok()))
                        .collect(),
                );
            }
            if present().all(|v| v.parse::<f64>().is_ok_and(f64::is_finite)) {
                return Column::Number(
                    values
                        .iter()
                        .map(|v| opt(v).and_then(|v| v.parse().ok()))
                        .collect(),
                );
            }
            if present().all(|v| v == "true" || v == "false") {
                return Column::Flag(values.iter().map(|v| opt(v).map(|v| v == "true")).collect());
            }
        }
        Column::Text(
            values
                .into_iter()
                .map(|v| (!v.is_empty()).then_some(v))
                .collect(),
        )
    }
}

/// The columns of a CSV maillage wrote (header first), typed by
/// [`Column::of_csv`]; the `text` columns stay text.
fn columns_of_csv(csv: &[u8], text: &[&str]) -> Result<Vec<(String, Column)>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::encode("GeoParquet", e))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut values: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    for record in reader.records() {
        let record = record.map_err(|e| Error::encode("GeoParquet", e))?;
        for (column, value) in values.iter_mut().zip(record.iter()) {
            column.push(value.to_owned());
        }
    }
    Ok(headers
        .into_iter()
        .zip(values)
        .map(|(name, values)| {
            let is_text = text.contains(&name.as_str());
            (name, Column::of_csv(values, is_text))
        })
        .collect())
}

/// The coverage columns of `records`, typed as [`COVERAGE_COLUMNS`] says.
fn coverage_columns(records: &[Record<'_>]) -> Vec<(String, Column)> {
    let rows: Vec<_> = records.iter().map(cells).collect();
    COVERAGE_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let values = rows.iter().map(|row| row.get(i));
            let typed = match column.kind {
                ColumnType::Text => Column::Text(
                    values
                        .map(|c| match c {
                            Some(Cell::Text(t)) => t.as_deref().map(str::to_owned),
                            _ => None,
                        })
                        .collect(),
                ),
                ColumnType::Integer => Column::Count(
                    values
                        .map(|c| match c {
                            Some(Cell::Integer(v)) => *v,
                            _ => None,
                        })
                        .collect(),
                ),
                ColumnType::Float { .. } => Column::Number(
                    values
                        .map(|c| match c {
                            Some(Cell::Float(v)) => *v,
                            _ => None,
                        })
                        .collect(),
                ),
                ColumnType::Bool => Column::Flag(
                    values
                        .map(|c| match c {
                            Some(Cell::Bool(b)) => Some(*b),
                            _ => None,
                        })
                        .collect(),
                ),
            };
            (column.name.to_owned(), typed)
        })
        .collect()
}

/// A geometry's box as `[xmin, ymin, xmax, ymax]`.
fn bbox(g: &geo_types::Geometry<f64>) -> Option<[f64; 4]> {
    g.bounding_rect()
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
}

/// The geometries of a table's rows, if it has any.
enum Shapes<'a> {
    /// No geometry column: a plain Parquet table.
    None,
    /// One geometry per row.
    All(&'a [geo_types::Geometry<f64>]),
    /// One geometry or none per row (a null in the `geometry` column).
    Some(&'a [Option<geo_types::Geometry<f64>>]),
}

impl Shapes<'_> {
    fn get(&self, i: usize) -> Option<&geo_types::Geometry<f64>> {
        match self {
            Shapes::None => None,
            Shapes::All(g) => g.get(i),
            Shapes::Some(g) => g.get(i).and_then(Option::as_ref),
        }
    }

    fn len(&self) -> usize {
        match self {
            Shapes::None => 0,
            Shapes::All(g) => g.len(),
            Shapes::Some(g) => g.len(),
        }
    }
}

/// Writes `columns`, then the `shapes` (WGS84 lon/lat, one per row) as a
/// WKB `geometry` column, then (with `covering`) each row's box as a
/// `bbox` struct column, as GeoParquet 1.1 (snappy): the `geo` metadata
/// names the column, the encoding, the geometry types, the file's box and
/// the covering (no `crs`: OGC:CRS84 by the specification). Without
/// shapes, a plain Parquet table of the columns.
fn write(
    path: &Path,
    columns: Vec<(String, Column)>,
    shapes: Shapes<'_>,
    types: &[&str],
    covering: bool,
) -> Result<()> {
    let mut fields = Vec::with_capacity(columns.len() + 2);
    let mut arrays = Vec::with_capacity(columns.len() + 2);
    for (name, column) in columns {
        fields.push(column.field(&name));
        arrays.push(column.array());
    }
    let mut metadata = Vec::new();
    if !matches!(shapes, Shapes::None) {
        let blobs: Vec<Option<Vec<u8>>> = (0..shapes.len())
            .into_par_iter()
            .map(|i| shapes.get(i).map(wkb_of).transpose())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::encode("WKB", e))?;
        let nullable = blobs.iter().any(Option::is_none);
        fields.push(Field::new("geometry", DataType::Binary, nullable));
        arrays
            .push(Arc::new(BinaryArray::from_iter(blobs.iter().map(Option::as_deref))) as ArrayRef);
        let boxes: Vec<Option<[f64; 4]>> = (0..shapes.len())
            .map(|i| shapes.get(i).and_then(bbox))
            .collect();
        if covering {
            let part = |i: usize| -> ArrayRef {
                Arc::new(Float64Array::from(
                    boxes
                        .iter()
                        .map(|b| b.and_then(|b| b.get(i).copied()))
                        .collect::<Vec<_>>(),
                ))
            };
            let parts: Fields = ["xmin", "ymin", "xmax", "ymax"]
                .into_iter()
                .map(|n| Field::new(n, DataType::Float64, true))
                .collect();
            let array = StructArray::try_new(parts.clone(), (0..4).map(part).collect(), None)
                .map_err(|e| Error::encode("GeoParquet", e))?;
            fields.push(Field::new("bbox", DataType::Struct(parts), true));
            arrays.push(Arc::new(array));
        }
        metadata.push(KeyValue::new(
            "geo".into(),
            geo_metadata(&boxes, types, covering).to_string(),
        ));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch =
        RecordBatch::try_new(schema.clone(), arrays).map_err(|e| Error::encode("GeoParquet", e))?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata((!metadata.is_empty()).then_some(metadata))
        .build();
    crate::outfile::write_file(path, |file| {
        let mut writer = ArrowWriter::try_new(file, schema, Some(properties))
            .map_err(|e| Error::encode("GeoParquet", e))?;
        writer
            .write(&batch)
            .map_err(|e| Error::encode("GeoParquet", e))?;
        writer
            .close()
            .map(|_| ())
            .map_err(|e| Error::encode("GeoParquet", e))
    })
}

/// The `geo` metadata of a file whose rows have these boxes.
fn geo_metadata(boxes: &[Option<[f64; 4]>], types: &[&str], covering: bool) -> serde_json::Value {
    let total = boxes
        .iter()
        .flatten()
        .fold(None, |acc: Option<[f64; 4]>, b| {
            Some(acc.map_or(*b, |a| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            }))
        });
    let mut column = serde_json::Map::new();
    column.insert("encoding".into(), "WKB".into());
    column.insert("geometry_types".into(), serde_json::json!(types));
    if let Some(b) = total {
        column.insert("bbox".into(), serde_json::json!(b));
    }
    if covering {
        column.insert(
            "covering".into(),
            serde_json::json!({"bbox": {
                "xmin": ["bbox", "xmin"], "ymin": ["bbox", "ymin"],
                "xmax": ["bbox", "xmax"], "ymax": ["bbox", "ymax"],
            }}),
        );
    }
    serde_json::json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": column},
    })
}

impl CoverageReport<'_> {
    /// Writes the results as GeoParquet 1.1: the coverage columns of the
    /// CSV (preceded by `rank` for [`Features::Gaps`]), typed, and the
    /// territory's geometry in WGS84 lon/lat (OGC:CRS84) as WKB in a
    /// `geometry` column, with a `bbox` covering column, described by the
    /// file's `geo` metadata, so that GeoPandas, QGIS and DuckDB open it
    /// directly.
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
        let mut columns = coverage_columns(&records);
        if let Some(ranks) = ranks {
            columns.insert(
                0,
                (
                    RANK.name.to_owned(),
                    Column::Count(ranks.into_iter().map(Some).collect()),
                ),
            );
        }
        write(
            path.as_ref(),
            columns,
            Shapes::All(&geometries),
            &["Polygon", "MultiPolygon"],
            true,
        )
    }
}

impl AccessReport<'_> {
    /// Writes the rows of [`write_communes_csv`](Self::write_communes_csv)
    /// as GeoParquet 1.1, with each commune's polygon (WGS84 lon/lat) in a
    /// WKB `geometry` column and its box in `bbox`.
    pub fn write_communes_geoparquet(&self, path: impl AsRef<Path>) -> Result<()> {
        let rows: Vec<_> = self.communes().collect();
        let mut csv = Vec::new();
        crate::write::access::totals_csv(&mut csv, rows.iter().copied())?;
        let columns = columns_of_csv(
            &csv,
            &["id", "name", "dep", "grille_densite", "classement_frr"],
        )?;
        let projector = Projector::shared()?;
        let geometries: Vec<geo_types::Geometry<f64>> = rows
            .par_iter()
            .map(|(t, _)| lonlat_geometry(t, projector).map(Into::into))
            .collect::<Result<_>>()?;
        write(
            path.as_ref(),
            columns,
            Shapes::All(&geometries),
            &["Polygon", "MultiPolygon"],
            true,
        )
    }
}

impl PlanReport {
    /// Writes the rows of [`write_sites_csv`](Self::write_sites_csv) as
    /// GeoParquet 1.1, each site a point (WGS84 lon/lat) in a WKB
    /// `geometry` column.
    pub fn write_sites_geoparquet(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut csv = Vec::new();
        crate::write::plan::sites_csv(&mut csv, self.sites().iter(), self.service)?;
        let columns = columns_of_csv(&csv, &["site_id", "name", "kind", "departement"])?;
        let geometries: Vec<geo_types::Geometry<f64>> = self
            .sites()
            .iter()
            .map(|s| geo_types::Point(s.candidate.lonlat).into())
            .collect();
        write(
            path.as_ref(),
            columns,
            Shapes::All(&geometries),
            &["Point"],
            false,
        )
    }
}

/// Writes a CSV table maillage wrote (the file at `csv`) as Parquet at
/// `path`: the same columns in the same order, typed by their values (the
/// `text` columns stay text: ids, codes). With `lonlat` (the names of its
/// longitude and latitude columns), each row's point is a WKB `geometry`
/// column (null where the row has none), GeoParquet 1.1; without, a plain
/// Parquet table (the CSV has no geometry to carry).
///
/// # Errors
/// When the CSV cannot be read, or `lonlat` names a column it lacks.
pub fn write_csv_as_parquet(
    csv: impl AsRef<Path>,
    path: impl AsRef<Path>,
    text: &[&str],
    lonlat: Option<(&str, &str)>,
) -> Result<()> {
    let csv = csv.as_ref();
    let bytes = std::fs::read(csv).map_err(|e| Error::io(csv, e))?;
    let columns = columns_of_csv(&bytes, text)?;
    let Some((lon, lat)) = lonlat else {
        return write(path.as_ref(), columns, Shapes::None, &[], false);
    };
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    let numbers = |name: &str| -> Result<Vec<Option<f64>>> {
        match columns.iter().find(|(n, _)| n == name).map(|(_, c)| c) {
            Some(Column::Number(v)) => Ok(v.clone()),
            Some(Column::Count(v)) => Ok(v.iter().map(|x| x.map(|x| x as f64)).collect()),
            Some(_) if rows == 0 => Ok(Vec::new()),
            _ => Err(Error::invalid(
                "GeoParquet",
                format!("{}: no numeric column {name:?}", csv.display()),
            )),
        }
    };
    let points: Vec<Option<geo_types::Geometry<f64>>> = numbers(lon)?
        .into_iter()
        .zip(numbers(lat)?)
        .map(|(x, y)| Some(geo_types::Point::new(x?, y?).into()))
        .collect();
    write(
        path.as_ref(),
        columns,
        Shapes::Some(&points),
        &["Point"],
        false,
    )
}

impl crate::compare::Comparison {
    /// Writes the rows of [`write_csv`](Self::write_csv) (the file at
    /// `csv`, as written) as GeoParquet 1.1, each row with its territory's
    /// geometry in WGS84 lon/lat (null when neither run had it) and a
    /// `bbox` covering column.
    ///
    /// # Errors
    /// When the CSV cannot be read or a geometry cannot be unprojected.
    pub fn write_geoparquet(&self, csv: impl AsRef<Path>, path: impl AsRef<Path>) -> Result<()> {
        let csv = csv.as_ref();
        let bytes = std::fs::read(csv).map_err(|e| Error::io(csv, e))?;
        let columns = columns_of_csv(&bytes, &["territory_id", "name", "departement"])?;
        let projector = Projector::shared()?;
        let shapes: Vec<Option<geo_types::Geometry<f64>>> = self
            .rows()
            .par_iter()
            .map(|r| {
                r.geometry()
                    .map(|(zone, g)| {
                        let mut g = g.clone();
                        projector.unproject_multipolygon(*zone, &mut g)?;
                        g.map_coords_in_place(|c| geo_types::Coord {
                            x: (c.x * 1e7).round() / 1e7,
                            y: (c.y * 1e7).round() / 1e7,
                        });
                        Ok(g.into())
                    })
                    .transpose()
            })
            .collect::<Result<_>>()?;
        write(
            path.as_ref(),
            columns,
            Shapes::Some(&shapes),
            &["Polygon", "MultiPolygon"],
            true,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_are_typed_by_their_values() {
        let csv = b"id,n,x,ok,name\n01001,3,1.5,true,a\n2A004,,2,false,\n";
        let columns = columns_of_csv(csv, &["id"]).unwrap();
        let kinds: Vec<(&str, DataType)> = columns
            .iter()
            .map(|(n, c)| (n.as_str(), c.field(n).data_type().clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("id", DataType::Utf8),
                ("n", DataType::UInt64),
                ("x", DataType::Float64),
                ("ok", DataType::Boolean),
                ("name", DataType::Utf8),
            ]
        );
        let Column::Count(n) = &columns[1].1 else {
            panic!("a count")
        };
        assert_eq!(n, &[Some(3), None]);
        let Column::Text(id) = &columns[0].1 else {
            panic!("text")
        };
        assert_eq!(id, &[Some("01001".to_owned()), Some("2A004".to_owned())]);
    }
}

//! CSV output.

use std::io::Write;
use std::path::Path;

use crate::coverage::{CoverageReport, Record};
use crate::error::{Error, Result};

/// Column names of the coverage CSV, in order.
pub const COVERAGE_COLUMNS: [&str; 15] = [
    "territory_id",
    "name",
    "kind",
    "departement",
    "population",
    "service",
    "rule",
    "radius_m",
    "points_inside",
    "points_within_radius",
    "nearest_m",
    "nearest_id",
    "nearest_name",
    "nearest_kind",
    "served",
];

fn fields(r: &Record<'_>) -> [String; 15] {
    let (nid, nname, nkind, nm) = match r.nearest {
        Some((p, d)) => (
            p.id.clone(),
            p.name.clone(),
            p.kind.to_string(),
            format!("{d:.2}"),
        ),
        None => Default::default(),
    };
    [
        r.territory.id.clone(),
        r.territory.name.clone(),
        r.territory.kind.to_string(),
        r.territory.departement.clone().unwrap_or_default(),
        r.territory
            .population
            .map(|p| p.to_string())
            .unwrap_or_default(),
        r.service.to_string(),
        match r.rule {
            crate::Rule::Inside => "inside".to_owned(),
            crate::Rule::WithinDistance(_) => "within_distance".to_owned(),
        },
        format!("{}", r.rule.radius_m()),
        r.points_inside.to_string(),
        r.points_within.to_string(),
        nm,
        nid,
        nname,
        nkind,
        r.served.to_string(),
    ]
}

fn write_records<'a, W: Write>(
    writer: W,
    records: impl Iterator<Item = (Option<usize>, Record<'a>)>,
    with_rank: bool,
) -> std::result::Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(writer);
    let rank_column = with_rank.then_some("rank");
    w.write_record(rank_column.into_iter().chain(COVERAGE_COLUMNS))?;
    for (rank, r) in records {
        let rank = rank.map(|n| n.to_string());
        let f = fields(&r);
        w.write_record(rank.iter().chain(f.iter()))?;
    }
    w.flush()?;
    Ok(())
}

impl CoverageReport<'_> {
    /// Writes one row per territory and service to `writer` as CSV with the
    /// columns [`COVERAGE_COLUMNS`]. `nearest_m` is in metres with two
    /// decimals, empty when the zone has no point offering the service.
    pub fn to_csv<W: Write>(&self, writer: W) -> Result<()> {
        write_records(writer, self.iter().map(|r| (None, r)), false)
            .map_err(|e| Error::write(Path::new("<writer>"), e))
    }

    /// Writes [`to_csv`](Self::to_csv) to a file, creating its folder.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let file = super::create(path)?;
        write_records(file, self.iter().map(|r| (None, r)), false)
            .map_err(|e| Error::write(path, e))
    }

    /// Writes the ranked gaps of every service (see [`gaps`](Self::gaps))
    /// to a CSV file: a `rank` column (1 = largest gap of its service), then
    /// the coverage columns.
    pub fn write_gaps_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let file = super::create(path)?;
        let ranked = self.services().iter().flat_map(|&s| {
            self.gaps(s)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (Some(i + 1), r))
        });
        write_records(file, ranked, true).map_err(|e| Error::write(path, e))
    }
}

//! The comparison's files: `changes.csv`, the per-département totals,
//! `changes.geojson` and `points_changes.csv` (columns in docs/SCHEMAS.md).

use std::path::Path;

use geo::MapCoordsInPlace;
use geo_types::Coord;
use serde_json::json;

use super::table::csv_file;
use crate::compare::{Change, Comparison, SiteChangeRow};
use crate::error::{Error, Result};
use crate::geom::crs::Projector;
use crate::model::PointKind;

impl Comparison {
    /// Writes `changes.csv`: `territory_id, name, kind, departement,
    /// population, service, served_before, served_after, change,
    /// nearest_before_m, nearest_after_m`.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let opt = |v: Option<f64>| v.map(|d| format!("{d:.2}")).unwrap_or_default();
        let flag = |v: Option<bool>| v.map(|b| b.to_string()).unwrap_or_default();
        csv_file(
            path.as_ref(),
            &[
                "territory_id",
                "name",
                "kind",
                "departement",
                "population",
                "service",
                "served_before",
                "served_after",
                "change",
                "nearest_before_m",
                "nearest_after_m",
            ],
            self.rows().iter().map(|r| {
                let o = r.outcome();
                vec![
                    o.territory_id.clone(),
                    o.name.clone(),
                    o.kind.to_string(),
                    o.departement.clone().unwrap_or_default(),
                    o.population.map(|p| p.to_string()).unwrap_or_default(),
                    o.service.to_string(),
                    flag(r.served_before()),
                    flag(r.served_after()),
                    r.change().to_string(),
                    opt(r.nearest_before_m()),
                    opt(r.nearest_after_m()),
                ]
            }),
        )
    }

    /// Writes the per-département totals: `departement, service`, one
    /// column per change, `population_gained, population_lost`.
    pub fn write_departements_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut header = vec!["departement", "service"];
        header.extend(Change::ALL.map(Change::as_str));
        header.extend(["population_gained", "population_lost"]);
        csv_file(
            path.as_ref(),
            &header,
            self.by_departement().into_iter().map(|d| {
                let mut row = vec![d.departement, d.service.to_string()];
                row.extend(d.counts.iter().map(usize::to_string));
                row.push(d.population_gained.to_string());
                row.push(d.population_lost.to_string());
                row
            }),
        )
    }

    /// Writes the rows that changed (not [`Change::Unchanged`]) and have a
    /// geometry as a GeoJSON FeatureCollection (WGS84); returns how many
    /// changed rows had no geometry and were left out.
    pub fn write_geojson(&self, path: impl AsRef<Path>) -> Result<usize> {
        let projector = Projector::shared()?;
        let mut features = Vec::new();
        let mut without = 0;
        for r in self
            .rows()
            .iter()
            .filter(|r| r.change() != Change::Unchanged)
        {
            let Some((zone, geometry)) = r.geometry() else {
                without += 1;
                continue;
            };
            let mut g = geometry.clone();
            projector.unproject_multipolygon(*zone, &mut g)?;
            g.map_coords_in_place(|c| Coord {
                x: (c.x * 1e7).round() / 1e7,
                y: (c.y * 1e7).round() / 1e7,
            });
            let o = r.outcome();
            features.push(json!({
                "type": "Feature",
                "properties": {
                    "territory_id": o.territory_id, "name": o.name, "kind": o.kind.as_str(),
                    "departement": o.departement, "population": o.population,
                    "service": o.service.as_str(), "served_before": r.served_before(),
                    "served_after": r.served_after(), "change": r.change().as_str(),
                    "nearest_before_m": r.nearest_before_m(), "nearest_after_m": r.nearest_after_m(),
                },
                "geometry": geojson::Geometry::from(&g),
            }));
        }
        let doc = json!({"type": "FeatureCollection", "features": features});
        let path = path.as_ref();
        crate::outfile::write_file(path, |file| {
            serde_json::to_writer(file, &doc).map_err(|e| Error::encode("GeoJSON", e))
        })?;
        Ok(without)
    }
}

/// Writes `points_changes.csv`: `change, id_before, id_after, matched_by,
/// name, kind_before, kind_after, moved_m, lon, lat`.
pub fn write_site_changes_csv(rows: &[SiteChangeRow], path: impl AsRef<Path>) -> Result<()> {
    let kind = |k: Option<PointKind>| k.map(|k| k.as_str().to_owned()).unwrap_or_default();
    csv_file(
        path.as_ref(),
        &[
            "change",
            "id_before",
            "id_after",
            "matched_by",
            "name",
            "kind_before",
            "kind_after",
            "moved_m",
            "lon",
            "lat",
        ],
        rows.iter().map(|r| {
            vec![
                r.change.as_str().to_owned(),
                r.id_before.clone().unwrap_or_default(),
                r.id_after.clone().unwrap_or_default(),
                r.matched_by.to_owned(),
                r.name.clone(),
                kind(r.kind_before),
                kind(r.kind_after),
                r.moved_m.map(|m| format!("{m:.1}")).unwrap_or_default(),
                format!("{:.6}", r.lonlat.x),
                format!("{:.6}", r.lonlat.y),
            ]
        }),
    )
}

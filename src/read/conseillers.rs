//! Structures hosting conseillers numériques (ANCT, GeoJSON points).

use std::ops::ControlFlow;
use std::path::Path;

use crate::error::Result;
use crate::geom::place::place_repairing_swap;
use crate::model::{PointKind, Service, ServicePoint, ServiceSet};
use crate::read::PointSink;
use crate::read::geojson::{for_each_feature_in, point_of, property_text};
use crate::report::{LoadReport, Note};
use crate::skip::Location;

/// Prefix given to conseiller numérique structure ids.
pub const CONSEILLER_NUMERIQUE_ID_PREFIX: &str = "cn:";

/// Reads structures hosting conseillers numériques from a GeoJSON
/// FeatureCollection of points.
///
/// The id is the `id` property (else `siret`), prefixed with `cn:`; the name
/// is `raison_sociale` (else `nom`, `name`); the commune is `insee_com`. Each
/// structure offers [`Service::DigitalInclusion`]. Features with a null
/// geometry (12 in the 2021 file) are skipped and counted.
pub fn read_conseillers_numeriques(
    path: impl AsRef<Path>,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = path.as_ref();
    let file = super::open_input(path)?;
    conseillers_in(path, file)
}

/// Like [`read_conseillers_numeriques`], from any reader; `name` labels reports and errors.
pub fn read_conseillers_numeriques_from(
    name: &str,
    reader: impl std::io::Read,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    conseillers_in(Path::new(name), reader)
}

fn conseillers_in(
    path: &Path,
    reader: impl std::io::Read,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let mut sink = PointSink::new(path);
    let mut with_qpv_flag = 0usize;
    for_each_feature_in(
        path,
        reader,
        |_| (),
        |f, ()| {
            sink.report.read += 1;
            let loc = Location::Feature(f.index);
            let id = property_text(&f.properties, "id")
                .or_else(|| property_text(&f.properties, "siret"))
                .map(|raw| format!("{CONSEILLER_NUMERIQUE_ID_PREFIX}{raw}"))
                .unwrap_or_default();
            let placed = point_of(&f.geometry)
                .and_then(|c| match f.crs {
                    Some(crs) => crate::geom::crs::Projector::shared()
                        .and_then(|p| p.to_lonlat(crs, c.x, c.y))
                        .map_err(|e| (crate::skip::SkipReason::InvalidCoordinates, e.to_string())),
                    None => Ok(c),
                })
                .and_then(|c| place_repairing_swap(c.x, c.y));
            let Some(placed) = sink.accept(loc, &id, placed) else {
                return ControlFlow::Continue(());
            };
            with_qpv_flag +=
                usize::from(property_text(&f.properties, "qpv").as_deref() == Some("oui"));
            let name = ["raison_sociale", "nom", "name"]
                .iter()
                .find_map(|k| property_text(&f.properties, k))
                .unwrap_or_default();
            sink.keep(ServicePoint {
                name,
                kind: PointKind::ConseillerNumerique,
                commune: property_text(&f.properties, "insee_com"),
                services: ServiceSet::only(Service::DigitalInclusion),
                ..ServicePoint::placed(id, &placed)
            });
            ControlFlow::Continue(())
        },
    )?;
    if with_qpv_flag > 0 {
        sink.report.note(Note::FlaggedQpv(with_qpv_flag));
    }
    Ok(sink.finish())
}

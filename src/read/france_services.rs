//! France Services sites (ANCT list, `liste-fs-AAAAMMJJ.csv`).

use std::io::Read;
use std::path::Path;

use crate::error::Result;
use crate::geom::place::place_text;
use crate::key::normalize_key;
use crate::model::{PointKind, Service, ServicePoint, ServiceSet};
use crate::read::PointSink;
use crate::read::text::CsvTable;
use crate::report::{LoadReport, Note};
use crate::skip::Location;

/// Prefix given to France Services ids so they never collide with La Poste site ids.
pub const FRANCE_SERVICES_ID_PREFIX: &str = "fs:";

/// Reads the ANCT France Services list.
///
/// Columns used: `id_fs`, `lib_fs`, `insee_com`, `latitude`, `longitude`
/// (plus `format_fs`, noted when itinerant). Quoted fields may contain
/// newlines. Each site offers [`Service::FranceServices`]; sites whose name
/// contains "La Poste" are flagged [`ServicePoint::at_la_poste`]. Ids are
/// prefixed with `fs:`. Itinerant sites (buses) are placed at the address
/// given in the file, which is their base.
pub fn read_france_services(path: impl AsRef<Path>) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = path.as_ref();
    read_france_services_table(CsvTable::open(path)?, path)
}

/// Like [read_france_services], from any reader; `name` labels reports and errors.
pub fn read_france_services_from(
    name: &str,
    reader: impl Read,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = Path::new(name);
    read_france_services_table(CsvTable::from_reader(path, reader)?, path)
}

fn read_france_services_table<R: Read>(
    mut table: CsvTable<R>,
    path: &Path,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let c_id = table.require(&["id_fs"])?;
    let c_lat = table.require(&["latitude", "lat"])?;
    let c_lon = table.require(&["longitude", "lon", "lng"])?;
    let c_name = table.column(&["lib_fs", "nom"]);
    let c_insee = table.column(&["insee_com", "code_insee"]);
    let c_format = table.column(&["format_fs"]);

    let mut sink = PointSink::new(path);
    let (mut at_la_poste, mut itinerant) = (0usize, 0usize);
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        sink.report.read += 1;
        let loc = Location::Line(line);
        let raw_id = table.field(&record, c_id);
        let id = if raw_id.is_empty() {
            String::new()
        } else {
            format!("{FRANCE_SERVICES_ID_PREFIX}{raw_id}")
        };
        let placed = place_text(&table.field(&record, c_lon), &table.field(&record, c_lat));
        let Some(placed) = sink.accept(loc, &id, placed) else {
            continue;
        };
        let name = table.opt_field(&record, c_name).into_owned();
        let in_post_office = normalize_key(&name).contains("la_poste");
        at_la_poste += usize::from(in_post_office);
        itinerant +=
            usize::from(normalize_key(&table.opt_field(&record, c_format)).contains("itinerant"));
        let commune = table.opt_field(&record, c_insee);
        sink.keep(ServicePoint {
            name,
            kind: PointKind::FranceServices,
            commune: (!commune.is_empty()).then(|| commune.into_owned()),
            services: ServiceSet::only(Service::FranceServices),
            at_la_poste: in_post_office,
            ..ServicePoint::placed(id, &placed)
        });
    }
    sink.report.note(Note::AtLaPoste(at_la_poste));
    if itinerant > 0 {
        sink.report.note(Note::ItinerantAtBase(itinerant));
    }
    table.finish(&mut sink.report);
    Ok(sink.finish())
}

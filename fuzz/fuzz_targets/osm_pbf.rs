#![no_main]
//! OSM PBF road extracts: any bytes give a road network and a report, or an error.
use libfuzzer_sys::fuzz_target;
use maillage::travel::{RoadTravelTime, SpeedTable};

fuzz_target!(init: {
    // maillage turns a panic of the PBF decoder into an error (osmpbf's
    // coordinate arithmetic can overflow on crafted blocks). libFuzzer's panic
    // hook would abort before that guard runs; the default hook lets it work.
    // A panic that escapes maillage still aborts the run.
    let _ = std::panic::take_hook();
}, |data: &[u8]| {
    if let Ok((roads, _)) = maillage::travel::read_roads_from("fuzz.osm.pbf", data, &SpeedTable::default()) {
        if let Some(origin) = roads.node(0) {
            let times = RoadTravelTime::to_destinations(&roads, [origin], 20.0, 1000.0);
            let _ = times.minutes_from(origin);
        }
    }
});

//! Readers stream: a large input is never held in memory whole. Alone in its
//! own test binary so that the peak-memory reading is not disturbed by other tests.

use std::io::Read;

use maillage::{FieldMap, SkipReason, TerritoryKind};

/// Generates a FeatureCollection of `n` features on the fly, never stored.
struct Generated {
    n: usize,
    emitted: usize,
    pending: Vec<u8>,
    done: bool,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.is_empty() && !self.done {
            self.pending = if self.emitted == 0 && self.n > 0 {
                b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec()
            } else {
                Vec::new()
            };
            if self.emitted < self.n {
                if self.emitted > 0 {
                    self.pending.push(b',');
                }
                let f = format!(
                    "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"f{}\",\"name\":\"a feature with a fairly long name to weigh it\"}},\"geometry\":null}}",
                    self.emitted
                );
                self.pending.extend_from_slice(f.as_bytes());
                self.emitted += 1;
            } else {
                self.pending.extend_from_slice(b"]}");
                self.done = true;
            }
        }
        let k = buf.len().min(self.pending.len());
        buf[..k].copy_from_slice(&self.pending[..k]);
        self.pending.drain(..k);
        Ok(k)
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

#[test]
fn a_large_feature_collection_is_streamed() {
    let n = 400_000; // about 50 MB of JSON
    let before = peak_rss_kib();
    let source = Generated {
        n,
        emitted: 0,
        pending: Vec::new(),
        done: false,
    };
    let (kept, report) = maillage::read::read_territories_from(
        "generated.geojson",
        source,
        &FieldMap::new(TerritoryKind::Custom, "id"),
    )
    .unwrap();
    assert!(kept.is_empty());
    assert_eq!(report.read, n);
    assert_eq!(report.skipped_for(SkipReason::NullGeometry), n);
    let growth_mib = (peak_rss_kib().saturating_sub(before)) / 1024;
    // Holding the document (50 MB as text, several times that as a JSON tree) would show here.
    assert!(
        growth_mib < 20,
        "peak memory grew by {growth_mib} MiB while streaming"
    );
}

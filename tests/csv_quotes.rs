//! Unbalanced quotes and extra fields in CSV: every row is accounted for
//! (read = kept + skipped), a stray quote costs one line, never the rest of
//! the file. On the real 2016 La Poste file, patched in memory.

mod common;

use common::data;
use maillage::SkipReason;
use maillage::read::{read_la_poste_from, read_partner_csv_from};

fn real_2016() -> Vec<String> {
    let bytes = std::fs::read(data("laposte_points_contact_2016.csv")).unwrap();
    String::from_utf8(bytes)
        .unwrap()
        .split_inclusive('\n')
        .map(str::to_owned)
        .collect()
}

/// Puts a `"` at the start of the name field of physical line `line` (1-based).
fn stray_quote(lines: &mut [String], line: usize) {
    let l = &mut lines[line - 1];
    let at = l.find(';').unwrap() + 1;
    l.insert(at, '"');
}

#[test]
fn one_stray_quote_costs_one_row_of_the_real_file() {
    let mut lines = real_2016();
    stray_quote(&mut lines, 101);
    let text = lines.concat();
    let (points, r) = read_la_poste_from("patched.csv", text.as_bytes()).unwrap();
    assert_eq!(r.read, 17_212, "{r}");
    assert_eq!(r.read, r.kept + r.skipped_total());
    assert_eq!(r.skipped_for(SkipReason::MalformedRow), 1);
    assert_eq!(r.kept, 17_187, "the 17,188 of the clean file but one");
    assert_eq!(points.len(), 17_187);
    let example = &r.skipped[&SkipReason::MalformedRow].examples[0];
    assert_eq!(example.location, maillage::Location::Line(101));
}

#[test]
fn two_stray_quotes_thousands_of_lines_apart_cost_two_rows() {
    let mut lines = real_2016();
    stray_quote(&mut lines, 3_000);
    stray_quote(&mut lines, 7_900);
    let text = lines.concat();
    let (points, r) = read_la_poste_from("patched.csv", text.as_bytes()).unwrap();
    assert_eq!(r.read, 17_212, "{r}");
    assert_eq!(r.skipped_for(SkipReason::MalformedRow), 2);
    assert_eq!(r.kept, 17_186);
    assert!(
        points.iter().all(|p| p.name.len() < 200),
        "no record swallowed others"
    );
}

#[test]
fn two_stray_quotes_a_few_lines_apart_are_malformed_not_merged() {
    let mut lines = real_2016();
    stray_quote(&mut lines, 500);
    stray_quote(&mut lines, 503);
    let text = lines.concat();
    let (_, r) = read_la_poste_from("patched.csv", text.as_bytes()).unwrap();
    assert_eq!(r.read, 17_212, "{r}");
    assert_eq!(r.read, r.kept + r.skipped_total());
    assert_eq!(r.skipped_for(SkipReason::MalformedRow), 2, "{r}");
    assert_eq!(r.kept, 17_186);
}

#[test]
fn rows_with_too_many_fields_are_malformed() {
    let csv = "id,name,latitude,longitude,services\n\
               a,A,48.85,2.35,postal\n\
               b,B,48.85,2.35,postal,extra\n\
               c,\"C, \"\"quoted\"\"\",48.86,2.36,postal\n";
    let (points, r) = read_partner_csv_from("p.csv", csv.as_bytes()).unwrap();
    assert_eq!((r.read, r.kept), (3, 2), "{r}");
    assert_eq!(points[1].name, "C, \"quoted\"");
    let ex = &r.skipped[&SkipReason::MalformedRow].examples[0];
    assert_eq!(ex.location, maillage::Location::Line(3));
    assert_eq!(ex.detail.as_deref(), Some("6 fields, header has 5"));
}

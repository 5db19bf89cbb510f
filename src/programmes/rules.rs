//! The programme rules file: `key = value` lines, shipped in the crate
//! (`rules.txt`, [`DEFAULT_RULES`]) and overridable with a user's file.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;

use crate::error::{Error, Result};
use crate::model::PointKind;
use crate::skip::Location;

/// The rules shipped in the crate (`src/programmes/rules.txt`), with the
/// documentation of every key.
pub const DEFAULT_RULES: &str = include_str!("rules.txt");

/// A pattern of the rules file and the line it came from.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written.
    pub text: String,
    /// Where: `<file>:<line>`.
    pub origin: String,
    regex: Regex,
}

impl Pattern {
    /// True when the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// The rules of one programme's derivation, parsed from the rules file(s).
/// Each field is documented in [`DEFAULT_RULES`].
#[derive(Debug, Clone)]
pub struct ProgrammeRules {
    /// `digital_inclusion.host_siren`: SIREN prefixes of the host.
    pub host_siren: Vec<String>,
    /// `digital_inclusion.host_name`: names of the host.
    pub host_name: Vec<Pattern>,
    /// `digital_inclusion.distance_m`.
    pub digital_distance_m: f64,
    /// `point_poste_ess.kinds`.
    pub ess_kinds: Vec<PointKind>,
    /// `point_poste_ess.label`.
    pub ess_label: Vec<Pattern>,
    /// `mediation.partner`.
    pub mediation_partner: Vec<Pattern>,
    /// `mediation.partner_exclude`.
    pub mediation_partner_exclude: Vec<Pattern>,
    /// `mediation.distance_m`.
    pub mediation_distance_m: f64,
    /// `mediation.label`.
    pub mediation_label: Vec<Pattern>,
    /// `<service>.source` and `<service>.note`, by service identifier.
    pub words: BTreeMap<String, (String, String)>,
}

const KEYS: [&str; 17] = [
    "digital_inclusion.host_siren",
    "digital_inclusion.host_name",
    "digital_inclusion.distance_m",
    "digital_inclusion.source",
    "digital_inclusion.note",
    "point_poste_ess.kinds",
    "point_poste_ess.label",
    "point_poste_ess.source",
    "point_poste_ess.note",
    "mediation.partner",
    "mediation.partner_exclude",
    "mediation.distance_m",
    "mediation.label",
    "mediation.source",
    "mediation.note",
    // Reserved for symmetry: accepted, so a file may say it.
    "digital_inclusion.kinds",
    "mediation.kinds",
];

/// Lines of a rules file by key: (value, line).
type Lines = BTreeMap<&'static str, Vec<(String, u64)>>;

fn lines_of(path: &Path, text: &str) -> Result<Lines> {
    let mut out: Lines = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(Error::format(
                path,
                Some(Location::Line(line)),
                format!("expected `key = value`, found {trimmed:?}"),
            ));
        };
        let key = key.trim();
        let Some(&known) = KEYS.iter().find(|k| **k == key) else {
            return Err(Error::format(
                path,
                Some(Location::Line(line)),
                format!(
                    "unknown key {key:?} (known keys: {})",
                    KEYS.get(..15).unwrap_or_default().join(", ")
                ),
            ));
        };
        out.entry(known)
            .or_default()
            .push((value.trim().to_owned(), line));
    }
    Ok(out)
}

impl ProgrammeRules {
    /// The rules shipped in the crate ([`DEFAULT_RULES`]).
    pub fn builtin() -> Result<Self> {
        Self::compile(
            Path::new("rules.txt (built in)"),
            lines_of(Path::new("rules.txt (built in)"), DEFAULT_RULES)?,
            None,
        )
    }

    /// The built-in rules with a user's rules text on top (`name` labels
    /// errors): every key the text gives replaces all the default lines of
    /// that key. A line that is not `key = value`, an unknown key, a bad
    /// pattern, a bad number or an unknown kind is an error naming its line.
    pub fn with_overrides(name: &str, text: &str) -> Result<Self> {
        let builtin = Path::new("rules.txt (built in)");
        let mut lines = lines_of(builtin, DEFAULT_RULES)?;
        let user = lines_of(Path::new(name), text)?;
        let user_keys: Vec<&'static str> = user.keys().copied().collect();
        for (key, values) in user {
            lines.insert(key, values);
        }
        Self::compile(builtin, lines, Some((Path::new(name), user_keys)))
    }

    /// Reads a user's rules file ([`with_overrides`](Self::with_overrides)).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::with_overrides(&path.display().to_string(), &text)
    }

    fn compile(
        builtin: &Path,
        lines: Lines,
        user: Option<(&Path, Vec<&'static str>)>,
    ) -> Result<Self> {
        let origin_of = |key: &str| -> &Path {
            match &user {
                Some((path, keys)) if keys.contains(&key) => path,
                _ => builtin,
            }
        };
        let values = |key: &'static str| lines.get(key).map(Vec::as_slice).unwrap_or_default();
        let patterns = |key: &'static str| -> Result<Vec<Pattern>> {
            let path = origin_of(key);
            values(key)
                .iter()
                .map(|(text, line)| {
                    Regex::new(text)
                        .map(|regex| Pattern {
                            text: text.clone(),
                            origin: format!("{}:{line}", path.display()),
                            regex,
                        })
                        .map_err(|e| {
                            Error::format(
                                path,
                                Some(Location::Line(*line)),
                                format!("bad pattern for {key}: {e}"),
                            )
                        })
                })
                .collect()
        };
        let number = |key: &'static str| -> Result<f64> {
            let path = origin_of(key);
            let Some((text, line)) = values(key).last() else {
                return Err(Error::format(path, None, format!("{key} is not given")));
            };
            match crate::key::parse_number(text) {
                Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(Error::format(
                    path,
                    Some(Location::Line(*line)),
                    format!("{key} must be a distance in metres (0 or more), found {text:?}"),
                )),
            }
        };
        let mut ess_kinds = Vec::new();
        for (text, line) in values("point_poste_ess.kinds") {
            for word in text.split([' ', ',', '\t']).filter(|w| !w.is_empty()) {
                let kind = PointKind::from_identifier(word).ok_or_else(|| {
                    Error::format(
                        origin_of("point_poste_ess.kinds"),
                        Some(Location::Line(*line)),
                        format!("unknown kind {word:?}"),
                    )
                })?;
                ess_kinds.push(kind);
            }
        }
        let mut host_siren = Vec::new();
        for (text, line) in values("digital_inclusion.host_siren") {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::format(
                    origin_of("digital_inclusion.host_siren"),
                    Some(Location::Line(*line)),
                    format!("a SIREN is digits only, found {text:?}"),
                ));
            }
            host_siren.push(text.clone());
        }
        let mut words = BTreeMap::new();
        for service in ["digital_inclusion", "point_poste_ess", "mediation"] {
            let last = |what: &str| {
                KEYS.iter()
                    .find(|k| **k == format!("{service}.{what}"))
                    .and_then(|k| values(k).last())
                    .map(|(v, _)| v.clone())
                    .unwrap_or_default()
            };
            words.insert(service.to_owned(), (last("source"), last("note")));
        }
        Ok(ProgrammeRules {
            host_siren,
            host_name: patterns("digital_inclusion.host_name")?,
            digital_distance_m: number("digital_inclusion.distance_m")?,
            ess_kinds,
            ess_label: patterns("point_poste_ess.label")?,
            mediation_partner: patterns("mediation.partner")?,
            mediation_partner_exclude: patterns("mediation.partner_exclude")?,
            mediation_distance_m: number("mediation.distance_m")?,
            mediation_label: patterns("mediation.label")?,
            words,
        })
    }

    /// True when a partner's name or typologie marks a mediation structure.
    pub fn is_mediation_partner(&self, name: &str, typologie: &str) -> bool {
        [name, typologie].iter().any(|text| {
            self.mediation_partner.iter().any(|p| p.is_match(text))
                && !self
                    .mediation_partner_exclude
                    .iter()
                    .any(|p| p.is_match(text))
        })
    }

    /// The first pattern of `patterns` matching `text`.
    pub fn first_match<'p>(patterns: &'p [Pattern], text: &str) -> Option<&'p Pattern> {
        patterns.iter().find(|p| p.is_match(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse_and_overrides_replace_a_key() {
        let rules = ProgrammeRules::builtin().unwrap();
        assert_eq!(rules.host_siren, ["356000000"]);
        assert_eq!(rules.digital_distance_m, 300.0);
        assert_eq!(rules.mediation_distance_m, 50.0);
        assert_eq!(rules.ess_label.len(), 10);
        let user = ProgrammeRules::with_overrides(
            "mine.txt",
            "# mine\nmediation.distance_m = 20\npoint_poste_ess.label = (?i)ressourcerie\n",
        )
        .unwrap();
        assert_eq!(user.mediation_distance_m, 20.0);
        assert_eq!(user.ess_label.len(), 1);
        assert_eq!(user.ess_label[0].origin, "mine.txt:3");
        assert_eq!(user.digital_distance_m, 300.0);
    }
}

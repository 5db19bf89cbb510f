//! Text helpers shared by every layer: matching keys and French numbers.
//!
//! Column names, labels and service names from French administrations come
//! with accents, spaces, `#` prefixes and mixed case; numbers with decimal
//! commas and spaces between thousands. These helpers make them comparable.

/// Normalises a column name or label for matching: lower case, accents
/// removed, every run of other characters turned into one `_`, leading `#`
/// and underscores dropped. `"#Identifiant_du_site"` and
/// `"identifiant du site"` both become `identifiant_du_site`.
pub(crate) fn normalize_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_sep = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match ch {
            'à' | 'â' | 'ä' | 'á' | 'ã' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' => "i",
            'ô' | 'ö' | 'ó' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ç' => "c",
            'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            _ => "",
        };
        if !mapped.is_empty() || ch.is_ascii_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            if mapped.is_empty() {
                out.push(ch);
            } else {
                out.push_str(mapped);
            }
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Parses a number written the English or the French way (`48.85`, `48,85`,
/// `6 206`, with spaces or non-breaking spaces as thousands separators).
/// Returns `None` for anything else, including non-finite values.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let cleaned: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The département of an INSEE commune code (`2A004` → `2A`, `97411` →
/// `974`), when it is a known département: `01`–`95` but `20`, `2A`, `2B`,
/// `971`–`976`.
pub(crate) fn departement_of(commune: &str) -> Option<String> {
    let n = if commune.starts_with("97") { 3 } else { 2 };
    let code = commune.get(..n)?;
    is_departement(code).then(|| code.to_owned())
}

/// True for a known département code.
pub(crate) fn is_departement(code: &str) -> bool {
    match code {
        "2A" | "2B" | "971" | "972" | "973" | "974" | "976" => true,
        _ => {
            code.len() == 2
                && code
                    .parse::<u8>()
                    .is_ok_and(|n| (1..=95).contains(&n) && n != 20)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised() {
        assert_eq!(normalize_key("#Identifiant_du_site"), "identifiant_du_site");
        assert_eq!(
            normalize_key("Caractéristique_du_site"),
            "caracteristique_du_site"
        );
        assert_eq!(
            normalize_key("Précision du géocodage"),
            "precision_du_geocodage"
        );
        assert_eq!(
            normalize_key("  Relais poste commerçant "),
            "relais_poste_commercant"
        );
        assert_eq!(normalize_key("\u{feff}code_insee"), "code_insee");
    }

    #[test]
    fn departements_of_commune_codes() {
        assert_eq!(departement_of("2A004").as_deref(), Some("2A"));
        assert_eq!(departement_of("97411").as_deref(), Some("974"));
        assert_eq!(departement_of("75056").as_deref(), Some("75"));
        assert_eq!(departement_of("20004"), None);
        assert_eq!(
            departement_of("97501"),
            None,
            "Saint-Pierre-et-Miquelon is a COM"
        );
        assert!(!is_departement(""));
    }

    #[test]
    fn numbers_in_both_notations() {
        assert_eq!(parse_number("48.943878"), Some(48.943878));
        assert_eq!(parse_number(" 48,943878 "), Some(48.943878));
        assert_eq!(parse_number("6 206"), Some(6206.0));
        assert_eq!(parse_number("6\u{a0}206"), Some(6206.0));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("abc"), None);
    }
}

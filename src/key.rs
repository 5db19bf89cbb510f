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

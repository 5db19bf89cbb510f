//! The documentation stays whole: every link of README.md, CHANGELOG.md and
//! docs/*.md resolves to a file of the repository (and its `#anchor` to a
//! heading of that file), no link leaves the repository (no web address,
//! no absolute path, no `../` past the repository's root: data sets and
//! their public sources are named in the text instead), and the README stays
//! a short guide.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// The README is a guide; the reference lives in docs/.
const README_MAX_BYTES: u64 = 16_000;

/// The documents the README must link to.
const DOCS: [&str; 6] = [
    "docs/GUIDE.md",
    "docs/METHOD.md",
    "docs/VALIDATION.md",
    "docs/PERFORMANCE.md",
    "docs/DATA.md",
    "docs/SCHEMAS.md",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One link found in a markdown text: its target and line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    target: String,
    line: usize,
}

/// The text of `line` with its inline code spans blanked out (a run of n
/// backticks opens a span that the next run of exactly n backticks closes).
fn without_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut n = 0;
        while i + n < chars.len() && chars[i + n] == '`' {
            n += 1;
        }
        // Look for a closing run of the same length.
        let mut j = i + n;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let mut m = 0;
                while j + m < chars.len() && chars[j + m] == '`' {
                    m += 1;
                }
                if m == n {
                    close = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                out.push(' ');
                i = end;
            }
            None => {
                // An unclosed run is literal text.
                for _ in 0..n {
                    out.push('`');
                }
                i += n;
            }
        }
    }
    out
}

/// Whether `line` opens or closes a fenced code block.
fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    line.len() - t.len() <= 3 && (t.starts_with("```") || t.starts_with("~~~"))
}

/// The target of an inline link starting right after its `(`: up to the
/// matching `)`, without an optional title; `<…>` targets unwrapped.
fn inline_target(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        return inner.find('>').map(|end| inner[..end].to_owned());
    }
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                let target = rest[..i].split_whitespace().next().unwrap_or("");
                return Some(target.to_owned());
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Every link of a markdown text outside code: inline links and images
/// `[text](target)`, reference definitions `[ref]: target`, autolinks
/// `<scheme:…>`, and HTML `href="…"` / `src="…"` attributes.
fn links(markdown: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for (n, raw) in markdown.lines().enumerate() {
        let line_no = n + 1;
        if is_fence(raw) {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let line = without_code_spans(raw);
        let mut push = |target: String| {
            out.push(Link {
                target,
                line: line_no,
            })
        };
        // Reference definitions.
        let t = line.trim_start();
        if line.len() - t.len() <= 3
            && t.starts_with('[')
            && let Some(close) = t.find("]:")
        {
            let target = t[close + 2..].split_whitespace().next().unwrap_or("");
            push(target.trim_matches(['<', '>']).to_owned());
            continue;
        }
        // Inline links and images.
        let mut from = 0;
        while let Some(at) = line[from..].find("](") {
            let start = from + at + 2;
            if let Some(target) = inline_target(&line[start..]) {
                push(target);
            }
            from = start;
        }
        // Autolinks: <scheme:...> without spaces.
        let mut from = 0;
        while let Some(at) = line[from..].find('<') {
            let start = from + at + 1;
            let rest = &line[start..];
            if let Some(end) = rest.find('>') {
                let inner = &rest[..end];
                if has_scheme(inner) && !inner.contains(char::is_whitespace) {
                    push(inner.to_owned());
                }
            }
            from = start;
        }
        // HTML attributes.
        for attribute in ["href=\"", "src=\""] {
            let mut from = 0;
            while let Some(at) = line[from..].find(attribute) {
                let start = from + at + attribute.len();
                if let Some(end) = line[start..].find('"') {
                    push(line[start..start + end].to_owned());
                }
                from = start;
            }
        }
    }
    out
}

/// Whether a target starts with a URL scheme (`https:`, `mailto:`, `file:`…).
fn has_scheme(target: &str) -> bool {
    match target.find(':') {
        Some(i) if i > 0 => {
            let scheme = &target[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// GitHub's anchor of a heading's text: formatting removed, lower case,
/// letters, digits, `-` and `_` kept, spaces turned into `-`.
fn slug(heading: &str) -> String {
    // [text](target) → text
    let mut text = String::new();
    let mut rest = heading;
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](") else {
            break;
        };
        let Some(end) = rest[open + mid..].find(')') else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push_str(&rest[open + 1..open + mid]);
        rest = &rest[open + mid + end + 1..];
    }
    text.push_str(rest);
    text.chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The anchors of every heading of a markdown text (duplicates numbered
/// `-1`, `-2`… as GitHub does).
fn anchors(markdown: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        if is_fence(line) {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let t = line.trim_start_matches('#');
        let level = line.len() - t.len();
        if level == 0 || level > 6 || !t.starts_with(' ') {
            continue;
        }
        let text = t.trim().trim_end_matches('#').trim();
        let base = slug(text);
        let mut candidate = base.clone();
        let mut k = 0;
        while out.contains(&candidate) {
            k += 1;
            candidate = format!("{base}-{k}");
        }
        out.insert(candidate);
    }
    out
}

/// `%20` and other escapes of a link's path decoded.
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What is wrong with `link` of the document `doc` (a path relative to
/// `root`), if anything.
fn problem(root: &Path, doc: &Path, link: &Link) -> Option<String> {
    let target = link.target.as_str();
    let here = format!("{}:{}: `{target}`", doc.display(), link.line);
    if target.is_empty() {
        return Some(format!("{here}: empty link"));
    }
    if has_scheme(target) || target.starts_with("//") {
        return Some(format!(
            "{here}: leaves the repository (name the source in the text instead of linking it)"
        ));
    }
    if target.starts_with('/') || target.starts_with('\\') {
        return Some(format!("{here}: an absolute path"));
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        doc.to_path_buf()
    } else {
        // Resolve lexically against the document's folder; refuse to climb
        // above the repository's root.
        let mut resolved: Vec<String> = doc
            .parent()
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for c in Path::new(&percent_decoded(path)).components() {
            match c {
                Component::Normal(s) => resolved.push(s.to_string_lossy().into_owned()),
                Component::CurDir => {}
                Component::ParentDir => {
                    if resolved.pop().is_none() {
                        return Some(format!("{here}: leaves the repository"));
                    }
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Some(format!("{here}: an absolute path"));
                }
            }
        }
        if matches!(resolved.first().map(String::as_str), Some("target" | "out")) {
            return Some(format!(
                "{here}: points into a build or output folder, not the repository"
            ));
        }
        resolved.iter().collect::<PathBuf>()
    };
    let full = root.join(&file);
    if !full.exists() {
        return Some(format!("{here}: no such file ({})", file.display()));
    }
    if let Some(anchor) = anchor
        && !anchor.is_empty()
    {
        if file.extension().and_then(|e| e.to_str()) != Some("md") {
            return Some(format!(
                "{here}: an anchor into a file that is not markdown"
            ));
        }
        let text = std::fs::read_to_string(&full).ok()?;
        if !anchors(&text).contains(&percent_decoded(anchor).to_lowercase()) {
            return Some(format!(
                "{here}: no heading of {} has the anchor #{anchor}",
                file.display()
            ));
        }
    }
    None
}

/// The documents checked: README.md, CHANGELOG.md and every docs/*.md.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut docs = vec![PathBuf::from("README.md"), PathBuf::from("CHANGELOG.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("md"))
        .filter_map(|p| p.file_name().map(|n| Path::new("docs").join(n)))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

#[test]
fn every_link_of_the_documentation_resolves_inside_the_repository() {
    let root = root();
    let docs = documents(&root);
    for d in DOCS {
        assert!(docs.contains(&PathBuf::from(d)), "{d} is missing");
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for doc in &docs {
        let text = std::fs::read_to_string(root.join(doc))
            .unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        for link in links(&text) {
            checked += 1;
            problems.extend(problem(&root, doc, &link));
        }
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
    assert!(
        checked > 50,
        "only {checked} links found: is the parser blind?"
    );
}

#[test]
fn the_readme_is_a_short_guide_that_links_to_the_reference() {
    let root = root();
    let size = std::fs::metadata(root.join("README.md"))
        .expect("README.md")
        .len();
    assert!(
        size < README_MAX_BYTES,
        "README.md is {size} bytes: keep it under {README_MAX_BYTES}, move the reference to docs/"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let targets: Vec<String> = links(&readme)
        .into_iter()
        .map(|l| l.target.split('#').next().unwrap_or("").to_owned())
        .collect();
    for d in DOCS.iter().chain(&["CHANGELOG.md"]) {
        assert!(
            targets.iter().any(|t| t == d),
            "README.md does not link to {d}"
        );
    }
    assert!(
        targets.iter().any(|t| t.starts_with("docs/img/")),
        "README.md shows no gap map"
    );
}

// The checker itself, on small texts whose links are known.

#[test]
fn links_are_found_outside_code_only() {
    let text = "See [the guide](docs/GUIDE.md#coverage) and ![map](docs/img/a.png \"title\").\n\
                `[not](a-link.md)` but [ref]: <docs/METHOD.md>\n\
                [ref]: docs/DATA.md\n\
                ```text\n[--partners <file>](x.md)\n```\n\
                Mail <https://example.org> or <a href=\"x.html\">x</a>.\n\
                A path (with (parens)) [p](a_(b).md).";
    let found: Vec<(String, usize)> = links(text)
        .into_iter()
        .map(|l| (l.target, l.line))
        .collect();
    assert_eq!(
        found,
        [
            ("docs/GUIDE.md#coverage".to_owned(), 1),
            ("docs/img/a.png".to_owned(), 1),
            ("docs/DATA.md".to_owned(), 3),
            ("https://example.org".to_owned(), 7),
            ("x.html".to_owned(), 7),
            ("a_(b).md".to_owned(), 8),
        ]
    );
}

#[test]
fn github_anchors_of_headings() {
    assert_eq!(
        slug("What changed: `maillage compare`"),
        "what-changed-maillage-compare"
    );
    assert_eq!(
        slug("Set-up (fresh machine with Rust ≥ 1.88)"),
        "set-up-fresh-machine-with-rust--188"
    );
    assert_eq!(
        slug("Accessibilité des départements"),
        "accessibilité-des-départements"
    );
    assert_eq!(slug("See [the method](METHOD.md)"), "see-the-method");
    let a = anchors("# Title\n## Output\n```\n# not a heading\n```\n## Output\n#hashtag\n");
    let mut a: Vec<_> = a.into_iter().collect();
    a.sort();
    assert_eq!(a, ["output", "output-1", "title"]);
}

#[test]
fn bad_links_are_reported() {
    let root = root();
    let doc = Path::new("docs/GUIDE.md");
    let check = |target: &str| {
        problem(
            &root,
            doc,
            &Link {
                target: target.to_owned(),
                line: 1,
            },
        )
    };
    assert_eq!(check("../README.md"), None);
    assert_eq!(check("../src/lib.rs"), None);
    assert_eq!(check("img/report_national.png"), None);
    assert_eq!(check("../README.md#maillage"), None);
    for (target, why) in [
        ("../../elsewhere/NOTES.md", "leaves the repository"),
        ("../../README.md", "leaves the repository"),
        ("https://www.insee.fr", "leaves the repository"),
        ("/etc/passwd", "absolute path"),
        ("NOWHERE.md", "no such file"),
        ("../README.md#no-such-heading", "no heading"),
        ("../out/report.html", "output folder"),
        ("", "empty link"),
    ] {
        let p = check(target).unwrap_or_default();
        assert!(p.contains(why), "{target}: {p:?}");
    }
}

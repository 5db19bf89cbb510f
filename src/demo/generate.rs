//! The generator of the demo territory's files (feature `demo`).

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::rng::Rng;

const COLS: usize = 9;
const ROWS: usize = 8;
const LON0: f64 = 1.70;
const LAT0: f64 = 46.45;
const DLON: f64 = 0.058;
const DLAT: f64 = 0.040;
/// The city occupies lattice cells (3..5, 3..5).
const CITY: (usize, usize) = (3, 3);
const TOWNS: [(usize, usize); 3] = [(1, 6), (7, 1), (7, 6)];

#[derive(Clone, Copy, PartialEq)]
enum Class {
    City,
    Suburb,
    Town,
    Rural,
}

struct Commune {
    code: String,
    name: String,
    class: Class,
    population: u64,
    ring: Vec<(f64, f64)>,
    /// Lattice cell (south-west) used to place points inside.
    cell: (usize, usize),
    /// Cell span (2 for the city).
    span: usize,
}

const NAMES: [&str; 36] = [
    "Saint-Aubin",
    "La Fontaine",
    "Le Mesnil",
    "Chaumont",
    "Vernay",
    "Brèves",
    "La Roche",
    "La Varenne",
    "Les Ormeaux",
    "Bois-Guérin",
    "La Couldre",
    "Tilly",
    "Marsac",
    "Vaumoise",
    "Épinay",
    "Lussac",
    "Grandval",
    "Sauzet",
    "Montreuil",
    "Pierrefitte",
    "Moulins",
    "La Chassagne",
    "L'Étang",
    "Bréviande",
    "Noyers",
    "La Feuillade",
    "Le Ruisseau",
    "Champfleury",
    "La Haute-Borne",
    "Aulnay",
    "Clairvaux",
    "Saint-Genès",
    "Les Essarts",
    "Bruyères",
    "Les Genêts",
    "Forges",
];
const SUFFIXES: [&str; 3] = ["", "-sur-Maille", "-les-Prés"];

/// A point de contact of the demo: id, name, kind label, commune code, lon/lat, geocoding label.
type DemoPoint = (
    String,
    String,
    &'static str,
    String,
    Option<(f64, f64)>,
    &'static str,
);

/// The generated files, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFiles {
    /// `(file name, content)` pairs, in a fixed order.
    pub files: Vec<(&'static str, String)>,
}

impl DemoFiles {
    /// Writes every file into `dir` (created if needed).
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        for (name, content) in &self.files {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(|e| Error::write(&path, e))?;
        }
        Ok(())
    }
}

/// Generates the demo territory for `seed`.
pub fn generate(seed: u64) -> DemoFiles {
    let mut rng = Rng(seed);
    // Jittered lattice corners shared by neighbouring communes: no gaps, no overlaps.
    let mut corners = vec![vec![(0.0, 0.0); ROWS + 1]; COLS + 1];
    for (i, column) in corners.iter_mut().enumerate() {
        for (j, corner) in column.iter_mut().enumerate() {
            let jitter = |rng: &mut Rng, on_edge: bool, d: f64| {
                if on_edge {
                    rng.range(-0.12, 0.12) * d
                } else {
                    rng.range(-0.28, 0.28) * d
                }
            };
            let jx = jitter(&mut rng, i == 0 || i == COLS, DLON);
            let jy = jitter(&mut rng, j == 0 || j == ROWS, DLAT);
            *corner = (
                round5(LON0 + i as f64 * DLON + jx),
                round5(LAT0 + j as f64 * DLAT + jy),
            );
        }
    }
    let corner = |i: usize, j: usize| {
        corners
            .get(i)
            .and_then(|c| c.get(j))
            .copied()
            .unwrap_or_default()
    };
    let in_city =
        |i: usize, j: usize| (CITY.0..CITY.0 + 2).contains(&i) && (CITY.1..CITY.1 + 2).contains(&j);
    let near_city = |i: usize, j: usize| {
        !in_city(i, j)
            && (CITY.0.saturating_sub(1)..=CITY.0 + 2).contains(&i)
            && (CITY.1.saturating_sub(1)..=CITY.1 + 2).contains(&j)
    };

    let mut communes: Vec<Commune> = Vec::new();
    let mut names_used = 0usize;
    let mut next_name = || {
        let name = NAMES
            .get(names_used % NAMES.len())
            .copied()
            .unwrap_or("Maille");
        let suffix = SUFFIXES
            .get(names_used / NAMES.len() % SUFFIXES.len())
            .copied()
            .unwrap_or("");
        names_used += 1;
        format!("{name}{suffix}")
    };
    let (ci, cj) = CITY;
    communes.push(Commune {
        code: String::new(),
        name: "Maillebourg".to_owned(),
        class: Class::City,
        population: 48_000 + rng.int(0, 2_000),
        ring: [
            (ci, cj),
            (ci + 1, cj),
            (ci + 2, cj),
            (ci + 2, cj + 1),
            (ci + 2, cj + 2),
            (ci + 1, cj + 2),
            (ci, cj + 2),
            (ci, cj + 1),
            (ci, cj),
        ]
        .iter()
        .map(|&(i, j)| corner(i, j))
        .collect(),
        cell: CITY,
        span: 2,
    });
    for j in 0..ROWS {
        for i in 0..COLS {
            if in_city(i, j) {
                continue;
            }
            let (class, population) = if near_city(i, j) {
                (Class::Suburb, rng.int(2_500, 9_000))
            } else if TOWNS.contains(&(i, j)) {
                (Class::Town, rng.int(1_800, 3_500))
            } else {
                let r = rng.unit();
                (
                    Class::Rural,
                    if r < 0.5 {
                        rng.int(60, 250)
                    } else {
                        rng.int(250, 900)
                    },
                )
            };
            communes.push(Commune {
                code: String::new(),
                name: next_name(),
                class,
                population,
                ring: [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
                    .iter()
                    .map(|&(a, b)| corner(a, b))
                    .collect(),
                cell: (i, j),
                span: 1,
            });
        }
    }
    for (k, c) in communes.iter_mut().enumerate() {
        c.code = format!("99{:03}", k + 1);
    }

    // A point inside a commune's lattice cell, by bilinear interpolation of its corners.
    let inside = |c: &Commune, u: f64, v: f64| {
        let (i, j) = c.cell;
        let s = c.span;
        let (a, b, cc, d) = (
            corner(i, j),
            corner(i + s, j),
            corner(i + s, j + s),
            corner(i, j + s),
        );
        let x =
            a.0 * (1.0 - u) * (1.0 - v) + b.0 * u * (1.0 - v) + cc.0 * u * v + d.0 * (1.0 - u) * v;
        let y =
            a.1 * (1.0 - u) * (1.0 - v) + b.1 * u * (1.0 - v) + cc.1 * u * v + d.1 * (1.0 - u) * v;
        (round5(x), round5(y))
    };

    // QPV: three in the city, one in the first town: small quadrilaterals.
    let qpv_specs: [(usize, f64, f64, &str, u64); 4] = [
        (0, 0.30, 0.35, "Les Tilleuls", 4_200),
        (0, 0.68, 0.30, "Bellevue", 3_100),
        (0, 0.62, 0.74, "Le Moulin", 2_300),
        (usize::MAX, 0.5, 0.5, "Quartier de la Gare", 1_150),
    ];
    let first_town = communes
        .iter()
        .position(|c| c.class == Class::Town)
        .unwrap_or(0);
    let mut qpv = Vec::new();
    for (k, &(idx, u, v, name, pop)) in qpv_specs.iter().enumerate() {
        let idx = if idx == usize::MAX { first_town } else { idx };
        let Some(c) = communes.get(idx) else { continue };
        let (w, h) = if c.class == Class::City {
            (0.05, 0.045)
        } else {
            (0.08, 0.07)
        };
        let ring: Vec<(f64, f64)> = [
            (u - w, v - h),
            (u + w, v - h * 0.8),
            (u + w * 0.9, v + h),
            (u - w * 1.1, v + h * 0.9),
            (u - w, v - h),
        ]
        .iter()
        .map(|&(a, b)| inside(c, a, b))
        .collect();
        qpv.push((
            format!("QN099{:02}M", k + 1),
            name,
            c.code.clone(),
            pop + rng.int(0, 300),
            ring,
        ));
    }

    // Points de contact.
    let mut points: Vec<DemoPoint> = Vec::new();
    let mut add = |id: String,
                   name: String,
                   kind: &'static str,
                   c: &Commune,
                   at: Option<(f64, f64)>,
                   prec: &'static str| {
        points.push((id, name, kind, c.code.clone(), at, prec));
    };
    let mut n = 0usize;
    let mut next_id = || {
        n += 1;
        format!("DEMO{n:03}")
    };
    let upper = |s: &str| s.to_uppercase();
    for c in &communes {
        match c.class {
            Class::City => {
                for (label, u, v) in [
                    ("PRINCIPAL", 0.52, 0.52),
                    ("LES TILLEULS", 0.32, 0.37),
                    ("GARE", 0.45, 0.12),
                    ("NORD", 0.40, 0.86),
                ] {
                    add(
                        next_id(),
                        format!("{} {label} BP", upper(&c.name)),
                        "Bureau de Poste",
                        c,
                        Some(inside(c, u, v)),
                        "Géocodé au numéro",
                    );
                }
                add(
                    next_id(),
                    format!("{} BELLEVUE POINT POSTE ESS", upper(&c.name)),
                    "Point Poste ESS",
                    c,
                    Some(inside(c, 0.70, 0.36)),
                    "Géocodé au numéro",
                );
            }
            Class::Suburb => {
                let kind = if c.population > 5_000 {
                    "Bureau de Poste"
                } else {
                    "Agence postale communale"
                };
                let (u, v) = (rng.range(0.3, 0.7), rng.range(0.3, 0.7));
                add(
                    next_id(),
                    format!(
                        "{} {}",
                        upper(&c.name),
                        if kind == "Bureau de Poste" {
                            "BP"
                        } else {
                            "AP"
                        }
                    ),
                    kind,
                    c,
                    Some(inside(c, u, v)),
                    "Géocodé au numéro",
                );
            }
            Class::Town => {
                let (u, v) = (rng.range(0.4, 0.6), rng.range(0.4, 0.6));
                add(
                    next_id(),
                    format!("{} BP", upper(&c.name)),
                    "Bureau de Poste",
                    c,
                    Some(inside(c, u, v)),
                    "Géocodé au milieu de la rue",
                );
            }
            Class::Rural => {
                let r = rng.unit();
                let (u, v) = (rng.range(0.25, 0.75), rng.range(0.25, 0.75));
                if r < 0.30 {
                    add(
                        next_id(),
                        format!("{} AP", upper(&c.name)),
                        "Agence postale communale",
                        c,
                        Some(inside(c, u, v)),
                        "Géocodé au centre de la commune",
                    );
                } else if r < 0.45 {
                    add(
                        next_id(),
                        format!("{} RP", upper(&c.name)),
                        "Relais poste commerçant",
                        c,
                        Some(inside(c, u, v)),
                        "Géocodé au numéro",
                    );
                } else if r < 0.50 {
                    add(
                        next_id(),
                        format!("{} API", upper(&c.name)),
                        "Agence postale intercommunale",
                        c,
                        Some(inside(c, u, v)),
                        "Géocodé au numéro",
                    );
                }
            }
        }
    }
    if let Some(c) = communes.iter().rev().find(|c| c.class == Class::Rural) {
        add(
            next_id(),
            format!("{} EPICERIE SOLIDAIRE POINT POSTE ESS", upper(&c.name)),
            "Point Poste ESS",
            c,
            Some(inside(c, 0.5, 0.5)),
            "Géocodé au numéro",
        );
        add(
            next_id(),
            format!("{} RP (NON GEOCODE)", upper(&c.name)),
            "Relais poste commerçant",
            c,
            None,
            "",
        );
    }

    // Partners: France Services in the city and the towns, conseillers numériques, a mediation association.
    let mut partners = Vec::new();
    let towns: Vec<&Commune> = communes
        .iter()
        .filter(|c| matches!(c.class, Class::City | Class::Town))
        .collect();
    for (k, c) in towns.iter().enumerate() {
        let at = inside(c, 0.55, 0.45);
        partners.push((
            format!("FS-DEMO{:02}", k + 1),
            format!("France services de {}", c.name),
            "france_services",
            at,
            "france_services|digital_inclusion",
        ));
    }
    if let Some(city) = communes.first() {
        partners.push((
            "CN-DEMO01".to_owned(),
            "Espace numérique du Moulin (conseillers numériques)".to_owned(),
            "conseiller_numerique",
            inside(city, 0.60, 0.70),
            "digital_inclusion",
        ));
        partners.push((
            "ASSO-DEMO01".to_owned(),
            "Maison des Tilleuls (association de médiation)".to_owned(),
            "other",
            inside(city, 0.29, 0.33),
            "mediation",
        ));
    }
    // Assignments: mediation in the two city offices nearest to QPV, digital inclusion in the main one and a town.
    let assignments = [
        ("DEMO002", "mediation"),
        ("DEMO001", "digital_inclusion"),
        ("DEMO002", "digital_inclusion"),
        ("DEMO-INCONNU", "mediation"),
    ];

    let mut out = Vec::new();
    out.push(("README.md", readme(seed)));
    out.push((
        "communes.geojson",
        geojson_polygons(communes.iter().map(|c| {
            (
                format!(
                    "\"code_insee\":\"{}\",\"nom\":{},\"dep\":\"99\",\"population\":{}",
                    c.code,
                    json_str(&c.name),
                    c.population
                ),
                &c.ring,
            )
        })),
    ));
    let mut table =
        String::from("code_insee,nom,dep,population,grille_densite,grille_densite_4,rural_insee\n");
    for c in &communes {
        let (g7, g4) = match c.class {
            Class::City => (2, 2),
            Class::Suburb => (4, 2),
            Class::Town => (3, 2),
            Class::Rural if c.population < 250 => (7, 4),
            Class::Rural => (6, 3),
        };
        let _ = writeln!(
            table,
            "{},{},99,{},{g7},{g4},{}",
            c.code,
            csv_str(&c.name),
            c.population,
            u8::from(g7 >= 5)
        );
    }
    out.push(("communes.csv", table));
    out.push(("qpv.geojson", geojson_polygons(qpv.iter().map(|(code, name, commune, pop, ring)| {
        (format!("\"code_qp\":\"{code}\",\"lib_qp\":{},\"insee_com\":\"{commune}\",\"insee_dep\":\"99\",\"population\":{pop}", json_str(name)), ring)
    }))));
    let outline: Vec<(f64, f64)> = (0..=COLS)
        .map(|i| corner(i, 0))
        .chain((1..=ROWS).map(|j| corner(COLS, j)))
        .chain((0..COLS).rev().map(|i| corner(i, ROWS)))
        .chain((0..ROWS).rev().map(|j| corner(0, j)))
        .collect();
    out.push((
        "departement.geojson",
        geojson_polygons(std::iter::once((
            "\"insee_dep\":\"99\",\"lib_dep\":\"Val-de-Maille (fictif)\"".to_owned(),
            &outline,
        ))),
    ));
    let mut csv = String::from(
        "identifiant_du_site;libelle_du_site;caracteristique_du_site;code_insee;latitude;longitude;precision_du_geocodage\n",
    );
    for (id, name, kind, code, at, prec) in &points {
        let (lat, lon) = at.map_or((String::new(), String::new()), |(x, y)| {
            (format!("{y:.5}"), format!("{x:.5}"))
        });
        let _ = writeln!(csv, "{id};{name};{kind};{code};{lat};{lon};{prec}");
    }
    out.push(("points.csv", csv));
    let mut csv = String::from("id,name,kind,latitude,longitude,services\n");
    for (id, name, kind, (x, y), services) in &partners {
        let _ = writeln!(
            csv,
            "{id},{},{kind},{y:.5},{x:.5},{services}",
            csv_str(name)
        );
    }
    out.push(("partners.csv", csv));
    let mut csv = String::from("site_id,service\n");
    for (id, s) in assignments {
        let _ = writeln!(csv, "{id},{s}");
    }
    out.push(("assignments.csv", csv));
    DemoFiles { files: out }
}

fn round5(v: f64) -> f64 {
    (v * 1e5).round() / 1e5
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn csv_str(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn geojson_polygons<'a>(features: impl Iterator<Item = (String, &'a Vec<(f64, f64)>)>) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    let mut first = true;
    for (props, ring) in features {
        if !first {
            s.push_str(",\n");
        }
        first = false;
        let coords: Vec<String> = ring
            .iter()
            .map(|(x, y)| format!("[{x:.5},{y:.5}]"))
            .collect();
        let _ = write!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{{props}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}",
            coords.join(",")
        );
    }
    s.push_str("\n]}\n");
    s
}

fn readme(seed: u64) -> String {
    format!(
        "# Demo territory (synthetic)\n\n\
Generated by `maillage demo --seed {seed} --out data/demo` (see `src/demo/generate.rs`); do not edit by hand.\n\
A test regenerates it and checks that every byte is the same.\n\n\
Everything here is **invented**: \"Val-de-Maille\" (département `99`) and its communes, QPV, post\n\
offices and partners do not exist. The territory is drawn in the middle of France so that the real\n\
projection (Lambert-93) applies; it overlaps real communes, which it does not describe.\n\n\
| file | what |\n|---|---|\n\
| `communes.geojson`, `communes.csv` | 69 communes: the city of Maillebourg, its suburbs, three small towns and rural communes, with populations and INSEE-style density classes |\n\
| `qpv.geojson` | 4 QPV (2024-style fields: `code_qp`, `lib_qp`, `insee_com`, `population`) |\n\
| `departement.geojson` | the département's outline |\n\
| `points.csv` | La Poste points de contact of every kind, in the current open-data layout (`;`); one has no coordinates, to show how a skip is reported |\n\
| `partners.csv` | France Services, conseillers numériques and a mediation association (`id,name,kind,latitude,longitude,services`) |\n\
| `assignments.csv` | which offices host mediation or digital inclusion (`site_id,service`); `DEMO-INCONNU` matches no site, to show the report |\n"
    )
}

//! Programmes: which points de contact host mediation, a Point Poste ESS or
//! digital-inclusion work, derived from open evidence.
//!
//! La Poste does not publish these lists. The open data holds traces of
//! them, each with its own strength ([`Evidence`], [`Strength`]):
//! - **digital inclusion**: lieux de médiation numérique hosted by La Poste
//!   (SIRET with La Poste's SIREN, or a name naming La Poste), matched to
//!   the nearest point de contact within 300 m;
//! - **Points Poste ESS**: relais poste whose label names an ESS host
//!   ("… LPR ESS RP", "… PIMMS RP", "… ESAT RP");
//! - **mediation**: mediation partners (Pimms...) in the same building as
//!   a point de contact (50 m), and labels naming a Pimms.
//!
//! The rules are a small text file shipped in the crate
//! ([`DEFAULT_RULES`]); users pass their own on top
//! ([`ProgrammeRules::with_overrides`]). A user's assignments list
//! overrides and extends what is derived: for every service it names, it is
//! the programme's list (derived hosts it lacks are reported as conflicts
//! and left out); services it does not name keep their derived hosts.
//!
//! ```
//! use maillage::programmes::{ProgrammeRules, Programmes};
//! use maillage::read::{LieuxOptions, read_la_poste_from, read_lieux_from};
//! use maillage::Service;
//! let points = "identifiant_a,libelle_du_site,caracteristique_du_site,latitude,longitude\n\
//!               1A,PARIS LOUVRE,Bureau de Poste,48.8637,2.3414\n";
//! let lieux = "id,nom,pivot,latitude,longitude\n\
//!              l1,LA POSTE,35600000012345,48.8638,2.3415\n";
//! let (points, _) = read_la_poste_from("points.csv", points.as_bytes())?;
//! let (lieux, _) = read_lieux_from("lieux.csv", lieux.as_bytes(), &LieuxOptions::default())?;
//! let report = Programmes::new(&points)
//!     .lieux(&lieux)
//!     .rules(ProgrammeRules::builtin()?)
//!     .run()?;
//! let host = &report.hosts()[0];
//! assert_eq!((host.site_id.as_str(), host.service), ("1A", Service::DigitalInclusion));
//! assert_eq!(host.evidence.as_str(), "hosted_partner_siret");
//! # Ok::<(), maillage::Error>(())
//! ```

mod report;
mod rules;
mod source;

pub use report::{Conflict, Host, LabelHit, PartnerMatch, ProgrammesReport};
pub use rules::{DEFAULT_RULES, Pattern, ProgrammeRules};
pub use source::{Applied, ProgrammeSource, sites_evidence};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::error::Result;
use crate::geom::crs::Zone;
use crate::load::Sources;
use crate::model::{Evidence, PointKind, Service, ServicePoint};
use crate::read::{Assignment, Lieu, LieuxOptions, PartnerSchema};
use crate::report::LoadReport;

/// The services a programme derivation finds hosts for.
pub const PROGRAMME_SERVICES: [Service; 3] = [
    Service::Mediation,
    Service::PointPosteEss,
    Service::DigitalInclusion,
];

/// A derivation of programme hosts from data in memory.
#[derive(Debug, Clone)]
pub struct Programmes<'a> {
    points: &'a [ServicePoint],
    lieux: &'a [Lieu],
    partners: &'a [ServicePoint],
    assignments: &'a [Assignment],
    rules: Option<ProgrammeRules>,
}

impl<'a> Programmes<'a> {
    /// A derivation over `points`, the points de contact that may host.
    pub fn new(points: &'a [ServicePoint]) -> Self {
        Programmes {
            points,
            lieux: &[],
            partners: &[],
            assignments: &[],
            rules: None,
        }
    }

    /// Lieux de médiation numérique ([`read_lieux`](crate::read::read_lieux)).
    pub fn lieux(mut self, lieux: &'a [Lieu]) -> Self {
        self.lieux = lieux;
        self
    }

    /// Other partner sites (France Services...): those whose name marks a
    /// mediation structure are mediation partners.
    pub fn partners(mut self, partners: &'a [ServicePoint]) -> Self {
        self.partners = partners;
        self
    }

    /// The user's assignments list (overrides and extends).
    pub fn assignments(mut self, assignments: &'a [Assignment]) -> Self {
        self.assignments = assignments;
        self
    }

    /// The rules (default: [`ProgrammeRules::builtin`]).
    pub fn rules(mut self, rules: ProgrammeRules) -> Self {
        self.rules = Some(rules);
        self
    }

    /// Derives the hosts.
    pub fn run(&self) -> Result<ProgrammesReport> {
        let rules = match &self.rules {
            Some(r) => r.clone(),
            None => ProgrammeRules::builtin()?,
        };
        let index = PointIndex::new(self.points);
        let mut hosts = HostSet::default();

        // Digital inclusion: lieux hosted by La Poste.
        let mut digital = Vec::new();
        for lieu in self.lieux {
            let by_siret = lieu
                .siret
                .as_deref()
                .is_some_and(|s| rules.host_siren.iter().any(|p| s.starts_with(p.as_str())));
            let evidence = if by_siret {
                Evidence::HostedPartnerSiret
            } else if ProgrammeRules::first_match(&rules.host_name, &lieu.point.name).is_some() {
                Evidence::HostedPartnerName
            } else {
                continue;
            };
            let m = index.match_partner(&lieu.point, evidence, rules.digital_distance_m);
            if let Some((site, d)) = &m.site {
                let detail = format!("{} ({})", lieu.point.name, lieu.point.id);
                hosts.add(site, Service::DigitalInclusion, evidence, detail, Some(*d));
            }
            digital.push(m);
        }

        // Points Poste ESS: kinds and labels.
        let mut labels = Vec::new();
        for p in self.points {
            if p.kind == PointKind::PointPosteEss {
                hosts.add(
                    &p.id,
                    Service::PointPosteEss,
                    Evidence::Kind,
                    "kind point_poste_ess".into(),
                    None,
                );
            }
            if rules.ess_kinds.contains(&p.kind)
                && let Some(pattern) = ProgrammeRules::first_match(&rules.ess_label, &p.name)
            {
                labels.push(LabelHit::new(p, Service::PointPosteEss, pattern));
                hosts.add(
                    &p.id,
                    Service::PointPosteEss,
                    Evidence::Label,
                    format!("label {:?} matches {}", p.name, pattern.text),
                    None,
                );
            }
            if let Some(pattern) = ProgrammeRules::first_match(&rules.mediation_label, &p.name) {
                labels.push(LabelHit::new(p, Service::Mediation, pattern));
                hosts.add(
                    &p.id,
                    Service::Mediation,
                    Evidence::Label,
                    format!("label {:?} matches {}", p.name, pattern.text),
                    None,
                );
            }
        }

        // Mediation: partners in the same building.
        let mut mediation = Vec::new();
        let partners = self
            .lieux
            .iter()
            .map(|l| (&l.point, l.typologie.as_str()))
            .chain(self.partners.iter().map(|p| (p, "")));
        for (partner, typologie) in partners {
            if !rules.is_mediation_partner(&partner.name, typologie) {
                continue;
            }
            let m = index.match_partner(
                partner,
                Evidence::CoLocatedPartner,
                rules.mediation_distance_m,
            );
            if let Some((site, d)) = &m.site {
                let detail = format!("{} ({})", partner.name, partner.id);
                hosts.add(
                    site,
                    Service::Mediation,
                    Evidence::CoLocatedPartner,
                    detail,
                    Some(*d),
                );
            }
            mediation.push(m);
        }

        // The user's list: authoritative for the services it names.
        let mut conflicts = Vec::new();
        let listed: HashSet<Service> = self.assignments.iter().map(|a| a.service).collect();
        let known: HashSet<&str> = self.points.iter().map(|p| p.id.as_str()).collect();
        let mut user = HostSet::default();
        for a in self.assignments {
            if !known.contains(a.site_id.as_str()) {
                conflicts.push(Conflict {
                    site_id: a.site_id.clone(),
                    service: a.service,
                    what: format!(
                        "user list line {}: no point de contact has this id; left out",
                        a.line
                    ),
                });
                continue;
            }
            let derived = hosts
                .get(&a.site_id, a.service)
                .map(|h| format!("; derived too: {} ({})", h.evidence, h.detail))
                .unwrap_or_default();
            user.add(
                &a.site_id,
                a.service,
                Evidence::UserList,
                format!("user list line {}{derived}", a.line),
                None,
            );
        }
        let mut all = Vec::new();
        for host in hosts.into_hosts() {
            if listed.contains(&host.service) {
                if user.get(&host.site_id, host.service).is_none() {
                    conflicts.push(Conflict {
                        site_id: host.site_id.clone(),
                        service: host.service,
                        what: format!(
                            "derived ({}: {}) but absent from the user list, which is authoritative for {}; left out",
                            host.evidence, host.detail, host.service
                        ),
                    });
                }
            } else {
                all.push(host);
            }
        }
        all.extend(user.into_hosts());
        let by_id: HashMap<&str, &ServicePoint> =
            self.points.iter().map(|p| (p.id.as_str(), p)).collect();
        for h in &mut all {
            if let Some(p) = by_id.get(h.site_id.as_str()) {
                h.site_name.clone_from(&p.name);
                h.site_kind = p.kind;
            }
        }
        all.sort_by(|a, b| (a.service, &a.site_id).cmp(&(b.service, &b.site_id)));
        Ok(ProgrammesReport {
            hosts: all,
            digital,
            mediation,
            labels,
            conflicts,
            rules,
            loads: Vec::new(),
            user_services: listed,
        })
    }
}

/// A point de contact's id and its distance in metres.
type Near<'a> = (&'a str, f64);

/// The points de contact per zone, for nearest and within-distance searches.
struct PointIndex<'a> {
    points: &'a [ServicePoint],
    trees: HashMap<Zone, RTree<GeomWithData<[f64; 2], usize>>>,
}

impl<'a> PointIndex<'a> {
    fn new(points: &'a [ServicePoint]) -> Self {
        let mut by_zone: HashMap<Zone, Vec<GeomWithData<[f64; 2], usize>>> = HashMap::new();
        for (i, p) in points.iter().enumerate() {
            by_zone
                .entry(p.zone)
                .or_default()
                .push(GeomWithData::new([p.xy.x, p.xy.y], i));
        }
        let trees = by_zone
            .into_iter()
            .map(|(z, items)| (z, RTree::bulk_load(items)))
            .collect();
        PointIndex { points, trees }
    }

    /// The points within `radius_m` of `at`, nearest first (ties by id),
    /// and the nearest point of the zone.
    fn near(&self, at: &ServicePoint, radius_m: f64) -> (Vec<Near<'a>>, Option<Near<'a>>) {
        let Some(tree) = self.trees.get(&at.zone) else {
            return (Vec::new(), None);
        };
        let q = [at.xy.x, at.xy.y];
        let dist = |g: &GeomWithData<[f64; 2], usize>| {
            let [x, y] = *g.geom();
            (x - q[0]).hypot(y - q[1])
        };
        let id = |g: &GeomWithData<[f64; 2], usize>| {
            self.points.get(g.data).map_or("", |p| p.id.as_str())
        };
        let mut within: Vec<Near<'a>> = tree
            .locate_within_distance(q, radius_m * radius_m)
            .map(|g| (id(g), dist(g)))
            .filter(|(_, d)| *d <= radius_m)
            .collect();
        within.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
        let nearest = within
            .first()
            .copied()
            .or_else(|| tree.nearest_neighbor(&q).map(|g| (id(g), dist(g))));
        (within, nearest)
    }

    fn match_partner(
        &self,
        partner: &ServicePoint,
        evidence: Evidence,
        radius_m: f64,
    ) -> PartnerMatch {
        let (within, nearest) = self.near(partner, radius_m);
        let owned = |(id, d): (&str, f64)| (id.to_owned(), d);
        let reason = match (within.first(), nearest) {
            (Some(_), _) => None,
            (None, Some((id, d))) => Some(format!(
                "nearest point de contact {id} is {d:.0} m away, beyond {radius_m} m"
            )),
            (None, None) => Some(format!(
                "no point de contact in its zone ({})",
                partner.zone
            )),
        };
        PartnerMatch {
            partner_id: partner.id.clone(),
            partner_name: partner.name.clone(),
            evidence,
            site: within.first().copied().map(owned),
            also_within: within.iter().skip(1).copied().map(owned).collect(),
            nearest: nearest.map(owned),
            reason,
        }
    }
}

/// Hosts keyed by (site, service), keeping the strongest evidence.
#[derive(Default)]
struct HostSet {
    hosts: BTreeMap<(String, Service), Host>,
}

impl HostSet {
    fn add(
        &mut self,
        site: &str,
        service: Service,
        evidence: Evidence,
        detail: String,
        distance_m: Option<f64>,
    ) {
        let key = (site.to_owned(), service);
        match self.hosts.get_mut(&key) {
            Some(h) => {
                let stronger =
                    (evidence.strength(), evidence) < (h.evidence.strength(), h.evidence);
                if stronger {
                    h.detail = format!("{detail}; {}: {}", h.evidence, h.detail);
                    h.evidence = evidence;
                    h.distance_m = distance_m;
                } else {
                    h.detail = format!("{}; {evidence}: {detail}", h.detail);
                    if evidence == h.evidence {
                        h.distance_m = match (h.distance_m, distance_m) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                }
                h.sources += 1;
            }
            None => {
                self.hosts.insert(
                    key,
                    Host {
                        site_id: site.to_owned(),
                        site_name: String::new(),
                        site_kind: PointKind::Other,
                        service,
                        evidence,
                        detail,
                        distance_m,
                        sources: 1,
                    },
                );
            }
        }
    }

    fn get(&self, site: &str, service: Service) -> Option<&Host> {
        self.hosts.get(&(site.to_owned(), service))
    }

    fn into_hosts(self) -> impl Iterator<Item = Host> {
        self.hosts.into_values()
    }
}

/// The files of a `maillage programmes` run: points de contact, partner
/// files (lieux de médiation numérique, France Services, any partner
/// layout), an optional assignments list and rules file.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFiles {
    /// The points, partners and assignments (their other fields unused).
    sites: Sources,
    rules: Option<PathBuf>,
    centroids: Option<PathBuf>,
}

impl ProgrammeFiles {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The points, partners and assignments of `sources` (as an analysis
    /// reads them), and no rules file: the derivation `--programmes auto`
    /// applies to a command's sites.
    pub fn of_sources(sources: &Sources) -> Self {
        let sites = Sources {
            points: sources.points.clone(),
            partners: sources.partners.clone(),
            assignments: sources.assignments.clone(),
            ..Sources::default()
        };
        ProgrammeFiles {
            sites,
            ..Self::default()
        }
    }

    /// A points de contact file (any layout [`read_sites`](crate::read::read_sites) reads).
    pub fn points(mut self, path: impl Into<PathBuf>) -> Self {
        self.sites = self.sites.points(path);
        self
    }

    /// A partner file: lieux de médiation numérique are read with
    /// [`read_lieux`](crate::read::read_lieux), other layouts with
    /// [`read_partners`](crate::read::read_partners).
    pub fn partners(mut self, path: impl Into<PathBuf>) -> Self {
        self.sites = self.sites.partners(path);
        self
    }

    /// A `site_id,service` assignments list.
    pub fn assignments(mut self, path: impl Into<PathBuf>) -> Self {
        self.sites = self.sites.assignments(path);
        self
    }

    /// Every file named: points, partners, assignments, rules, centroids.
    pub fn inputs(&self) -> impl Iterator<Item = &std::path::Path> {
        self.sites
            .files()
            .chain(self.rules.as_deref())
            .chain(self.centroids.as_deref())
    }

    /// A rules file read on top of the built-in rules.
    pub fn rules(mut self, path: impl Into<PathBuf>) -> Self {
        self.rules = Some(path.into());
        self
    }

    /// A commune table with centroids (`communes_france.csv`): lieux
    /// without coordinates are placed at their commune's centroid.
    pub fn commune_centroids(mut self, path: impl Into<PathBuf>) -> Self {
        self.centroids = Some(path.into());
        self
    }

    /// The derivation over the files of a territory (an extract or the
    /// official national files): the points de contact, the lieux (when the
    /// folder has them) and the France Services sites as partners.
    pub fn of_territory(files: &crate::load::TerritoryFiles) -> Self {
        let mut derivation = ProgrammeFiles::new().points(&files.points);
        if let Some(lieux) = &files.lieux {
            derivation = derivation.partners(lieux);
        }
        derivation.partners(&files.france_services)
    }

    /// Reads every file and derives the hosts; the report keeps every
    /// file's load report, in the order the files were given. The files
    /// are read concurrently.
    pub fn run(&self) -> Result<ProgrammesReport> {
        use rayon::prelude::*;
        /// One partner file read: lieux or other partners.
        enum Read {
            Lieux(Vec<crate::read::Lieu>),
            Partners(Vec<ServicePoint>),
        }
        // The commune centroids first (lieux without coordinates need
        // them), then the points de contact and the partner files all at
        // once; errors are reported in the order of the files.
        let mut options = LieuxOptions::default();
        let mut centroids_load = None;
        if let Some(path) = &self.centroids {
            let (centroids, r) = crate::read::read_commune_centroids(path)?;
            options.commune_centroids = Some(centroids);
            centroids_load = Some(r);
        }
        let read_sites = |path: &PathBuf| -> Result<(Vec<ServicePoint>, LoadReport)> {
            let (p, r) = crate::read::read_sites(path)?;
            crate::load::require_some(&r)?;
            Ok((p, r))
        };
        let read_partner = |path: &PathBuf| -> Result<(Read, LoadReport)> {
            use std::io::BufRead;
            let file = std::fs::File::open(path).map_err(|e| crate::error::Error::io(path, e))?;
            let mut head = std::io::BufReader::new(file);
            let bytes = head
                .fill_buf()
                .map_err(|e| crate::error::Error::io(path, e))?;
            let schema = crate::read::partner_schema(bytes);
            if schema == Some(PartnerSchema::LieuxMediationNumerique) {
                let (l, r) = crate::read::read_lieux(path, &options)?;
                crate::load::require_some(&r)?;
                Ok((Read::Lieux(l), r))
            } else {
                let (p, r) = crate::read::read_partners(path)?;
                crate::load::require_some(&r)?;
                Ok((Read::Partners(p), r))
            }
        };
        let (sites, read): (Vec<Result<_>>, Vec<Result<_>>) = rayon::join(
            || self.sites.points.par_iter().map(read_sites).collect(),
            || self.sites.partners.par_iter().map(read_partner).collect(),
        );
        let mut loads: Vec<LoadReport> = Vec::new();
        let mut points = Vec::new();
        for result in sites {
            let (p, r) = result?;
            points.extend(p);
            loads.push(r);
        }
        loads.extend(centroids_load);
        let (mut lieux, mut partners) = (Vec::new(), Vec::new());
        for result in read {
            let (what, r) = result?;
            match what {
                Read::Lieux(l) => lieux.extend(l),
                Read::Partners(p) => partners.extend(p),
            }
            loads.push(r);
        }
        let assignments = match &self.sites.assignments {
            Some(path) => {
                let (a, r) = crate::read::read_assignments(path)?;
                loads.push(r);
                a
            }
            None => Vec::new(),
        };
        let rules = match &self.rules {
            Some(path) => ProgrammeRules::from_file(path)?,
            None => ProgrammeRules::builtin()?,
        };
        let mut report = Programmes::new(&points)
            .lieux(&lieux)
            .partners(&partners)
            .assignments(&assignments)
            .rules(rules)
            .run()?;
        report.loads = loads;
        Ok(report)
    }
}

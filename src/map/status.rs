//! How an area is coloured: served, or the distance class of its nearest
//! point, with classes that follow the coverage rule.

/// Class bounds a gap may fall in, in kilometres: the classes of a map are
/// the ones above its rule's radius, at most four of them, then "farther".
const LADDER_KM: [f64; 5] = [1.0, 2.0, 5.0, 10.0, 20.0];
const MAX_BOUNDS: usize = 4;

/// Colours of the gap classes, nearest to farthest; a map with fewer
/// classes uses the last ones, so "farther" is always the darkest.
const RAMP: [&str; 5] = ["#fdd49e", "#fc8d59", "#ef6548", "#d7301f", "#7f0000"];

/// How a filled area is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Served under the coverage rule.
    Served,
    /// Not served; the index of its distance class in the map's [`GapClasses`]
    /// (0 = nearest).
    Gap(u8),
    /// A category of the map's own legend (index into
    /// [`GapMap::categories`](super::GapMap::categories)), e.g. the changes
    /// between two runs.
    Category(u8),
    /// No data.
    NoData,
}

/// The distance classes of the gaps on a map.
///
/// A gap is a territory with no point within the rule's radius, so its
/// nearest point is farther than the radius: classes start there. Under a
/// 500 m rule they are 0.5–1, 1–2, 2–5, 5–10 and > 10 km; under the 5 km
/// rule 5–10, 10–20 and > 20 km; under the "inside" rule ≤ 1, 1–2, 2–5,
/// 5–10 and > 10 km.
#[derive(Debug, Clone, PartialEq)]
pub struct GapClasses {
    radius_m: f64,
    bounds_m: Vec<f64>,
}

impl Default for GapClasses {
    fn default() -> Self {
        GapClasses::for_radius(0.0)
    }
}

fn km(m: f64) -> String {
    let k = m / 1000.0;
    if k.fract() == 0.0 {
        format!("{k:.0}")
    } else {
        format!("{k}")
    }
}

impl GapClasses {
    /// The classes for a rule of radius `radius_m` (0 for "inside").
    pub fn for_radius(radius_m: f64) -> GapClasses {
        let radius_m = if radius_m.is_finite() {
            radius_m.max(0.0)
        } else {
            0.0
        };
        let bounds_m = LADDER_KM
            .iter()
            .map(|k| k * 1000.0)
            .filter(|b| *b > radius_m)
            .take(MAX_BOUNDS)
            .collect();
        GapClasses { radius_m, bounds_m }
    }

    /// How many gap classes there are (the last is "farther, or none").
    pub fn len(&self) -> usize {
        self.bounds_m.len() + 1
    }

    /// Never true: there is always the "farther" class.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// How a coverage result is drawn: [`Status::NoData`] when no site
    /// offered the service (never a gap), otherwise as [`status`](Self::status).
    pub fn status_of(&self, result: crate::coverage::Status, nearest_m: Option<f64>) -> Status {
        match result {
            crate::coverage::Status::NoData => Status::NoData,
            crate::coverage::Status::Served => Status::Served,
            crate::coverage::Status::Unserved => self.status(false, nearest_m),
        }
    }

    /// The status of a result.
    pub fn status(&self, served: bool, nearest_m: Option<f64>) -> Status {
        if served {
            return Status::Served;
        }
        let class = match nearest_m {
            Some(d) => self
                .bounds_m
                .iter()
                .position(|b| d <= *b)
                .unwrap_or(self.bounds_m.len()),
            None => self.bounds_m.len(),
        };
        Status::Gap(u8::try_from(class).unwrap_or(u8::MAX))
    }

    fn bounds(&self, class: u8) -> (f64, Option<f64>) {
        let i = usize::from(class);
        let lower = match i.checked_sub(1) {
            None => self.radius_m,
            Some(j) => self.bounds_m.get(j).copied().unwrap_or(self.radius_m),
        };
        (lower, self.bounds_m.get(i).copied())
    }

    /// Fill colour (a [`Status::Category`] is coloured by its map: see
    /// [`GapMap::style`](super::GapMap::style)).
    pub fn colour(&self, status: Status) -> &'static str {
        match status {
            Status::Served => "#cfe8cf",
            Status::NoData | Status::Category(_) => "#eeeeee",
            Status::Gap(c) => {
                let offset = RAMP.len() - self.len().min(RAMP.len());
                RAMP.get(offset + usize::from(c))
                    .copied()
                    .unwrap_or("#7f0000")
            }
        }
    }

    /// Legend text, e.g. "gap, nearest 5–10 km".
    pub fn label(&self, status: Status) -> String {
        match status {
            Status::Served => "served".into(),
            Status::NoData | Status::Category(_) => "no data".into(),
            Status::Gap(c) => match self.bounds(c) {
                (lower, None) => format!("gap, nearest > {} km or none", km(lower)),
                (0.0, Some(upper)) => format!("gap, nearest ≤ {} km", km(upper)),
                (lower, Some(upper)) => format!("gap, nearest {}–{} km", km(lower), km(upper)),
            },
        }
    }

    /// CSS class name: `served`, `no-data`, `gap-<upper bound>km` or `gap-far`.
    pub fn css(&self, status: Status) -> String {
        match status {
            Status::Served => "served".into(),
            Status::NoData | Status::Category(_) => "no-data".into(),
            Status::Gap(c) => match self.bounds(c) {
                (_, Some(upper)) => format!("gap-{}km", km(upper)),
                (_, None) => "gap-far".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(radius: f64) -> Vec<String> {
        let c = GapClasses::for_radius(radius);
        (0..c.len() as u8)
            .map(|i| c.label(Status::Gap(i)))
            .collect()
    }

    #[test]
    fn classes_start_at_the_rule_radius() {
        assert_eq!(
            labels(5000.0),
            [
                "gap, nearest 5–10 km",
                "gap, nearest 10–20 km",
                "gap, nearest > 20 km or none"
            ]
        );
        assert_eq!(
            labels(500.0),
            [
                "gap, nearest 0.5–1 km",
                "gap, nearest 1–2 km",
                "gap, nearest 2–5 km",
                "gap, nearest 5–10 km",
                "gap, nearest > 10 km or none"
            ]
        );
        assert_eq!(labels(0.0)[0], "gap, nearest ≤ 1 km");
        assert_eq!(labels(30_000.0), ["gap, nearest > 30 km or none"]);
    }

    #[test]
    fn status_and_colour_by_distance() {
        let c = GapClasses::for_radius(5000.0);
        assert_eq!(c.status(true, Some(9000.0)), Status::Served);
        assert_eq!(c.status(false, Some(7000.0)), Status::Gap(0));
        assert_eq!(c.status(false, Some(10_000.0)), Status::Gap(0));
        assert_eq!(c.status(false, Some(15_000.0)), Status::Gap(1));
        assert_eq!(c.status(false, None), Status::Gap(2));
        assert_eq!(c.css(Status::Gap(0)), "gap-10km");
        assert_eq!(c.css(Status::Gap(2)), "gap-far");
        assert_eq!(c.colour(Status::Gap(2)), "#7f0000");
        assert_eq!(c.colour(Status::Gap(0)), "#ef6548");
    }

    #[test]
    fn no_data_is_drawn_grey_never_as_a_gap() {
        use crate::coverage::Status as Result;
        let c = GapClasses::for_radius(500.0);
        assert_eq!(c.status_of(Result::NoData, None), Status::NoData);
        assert_eq!(c.status_of(Result::NoData, Some(90_000.0)), Status::NoData);
        assert_eq!(c.status_of(Result::Unserved, None), Status::Gap(4));
        assert_eq!(c.status_of(Result::Unserved, Some(700.0)), Status::Gap(0));
        assert_eq!(c.status_of(Result::Served, Some(0.0)), Status::Served);
        assert_eq!(c.colour(Status::NoData), "#eeeeee");
        assert_eq!(c.label(Status::NoData), "no data");
        assert_eq!(c.css(Status::NoData), "no-data");
    }
}

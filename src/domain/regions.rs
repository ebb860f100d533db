//! The 27 body regions and their proximal-to-distal chains (assets/regions.json).

use serde::Deserialize;
use std::collections::HashMap;

/// Index of a region in [`Regions::all`]; compact so answers and flags stay cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionId(pub u8);

#[derive(Debug, Clone)]
pub struct Region {
    pub code: String,
    pub label: String,
    /// Where the region is drawn on the body chart.
    pub chart: ChartCell,
}

/// A region's place on the body chart: a row, a span of its four columns (0 the patient's right
/// arm, 1 right leg and front of trunk, 2 left leg and back of trunk, 3 left arm: the patient's
/// right on the viewer's left, as when facing them), and a short label.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartCell {
    pub row: u8,
    pub columns: [u8; 2],
    pub short: String,
}

/// The body chart's columns, and the room for a short label in one of them.
pub const CHART_COLUMNS: u8 = 4;
pub const CHART_LABEL_MAX: usize = 11;

#[derive(Debug, Clone)]
pub struct Regions {
    all: Vec<Region>,
    by_code: HashMap<String, RegionId>,
    /// For each region, the regions distal to it in its chain (empty for axial regions).
    distal: Vec<Vec<RegionId>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    #[serde(rename = "_comment", default)]
    _comment: Option<String>,
    regions: Vec<RegionEntry>,
    chains: Vec<ChainEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionEntry {
    code: String,
    label: String,
    chart: ChartCell,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainEntry {
    #[allow(dead_code)]
    name: String,
    proximal_to_distal: Vec<String>,
}

/// Every region on the chart, within its columns, with a label that fits, and no two on the same
/// place: a region that could not be drawn or picked would be a region no one can mark.
fn check_chart(all: &[Region]) -> Result<(), String> {
    let mut taken = std::collections::HashMap::new();
    for region in all {
        let ChartCell { row, columns: [first, last], short } = &region.chart;
        if first > last || *last >= CHART_COLUMNS {
            return Err(format!("regions.json: region {}: chart columns must be 0 to 3, first to last", region.code));
        }
        // A column holds 11 characters; a region across two holds 23.
        let room = usize::from(last - first + 1) * (CHART_LABEL_MAX + 1) - 1;
        if short.is_empty() || short.chars().count() > room {
            return Err(format!("regions.json: region {}: the chart label needs 1 to {room} characters", region.code));
        }
        for column in *first..=*last {
            if let Some(other) = taken.insert((*row, column), &region.code) {
                return Err(format!("regions.json: regions {other} and {} share a place on the chart", region.code));
            }
        }
    }
    Ok(())
}

impl Regions {
    pub fn from_json(text: &str) -> Result<Regions, String> {
        let file: RegionsFile = serde_json::from_str(text).map_err(|e| format!("regions.json: {e}"))?;
        if file.regions.len() > usize::from(u8::MAX) {
            return Err("regions.json: too many regions".into());
        }
        let mut by_code = HashMap::new();
        let mut all = Vec::new();
        for (index, entry) in file.regions.into_iter().enumerate() {
            let id = RegionId(index as u8);
            if by_code.insert(entry.code.clone(), id).is_some() {
                return Err(format!("regions.json: region {} is listed twice", entry.code));
            }
            all.push(Region { code: entry.code, label: entry.label, chart: entry.chart });
        }
        check_chart(&all)?;
        let mut distal = vec![Vec::new(); all.len()];
        let mut in_chain = vec![false; all.len()];
        for chain in &file.chains {
            let mut ids = Vec::new();
            for code in &chain.proximal_to_distal {
                let id =
                    *by_code.get(code).ok_or_else(|| format!("regions.json: chain names unknown region {code}"))?;
                if std::mem::replace(&mut in_chain[usize::from(id.0)], true) {
                    return Err(format!("regions.json: region {code} is in two chains"));
                }
                ids.push(id);
            }
            for (position, id) in ids.iter().enumerate() {
                distal[usize::from(id.0)] = ids[position + 1..].to_vec();
            }
        }
        Ok(Regions { all, by_code, distal })
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    pub fn id(&self, code: &str) -> Option<RegionId> {
        self.by_code.get(code).copied()
    }

    pub fn get(&self, id: RegionId) -> &Region {
        &self.all[usize::from(id.0)]
    }

    pub fn code(&self, id: RegionId) -> &str {
        &self.get(id).code
    }

    pub fn label(&self, id: RegionId) -> &str {
        &self.get(id).label
    }

    pub fn all(&self) -> impl Iterator<Item = (RegionId, &Region)> {
        self.all.iter().enumerate().map(|(i, r)| (RegionId(i as u8), r))
    }

    /// The regions after `id` in its proximal-to-distal chain, on the same side.
    pub fn distal_to(&self, id: RegionId) -> &[RegionId] {
        &self.distal[usize::from(id.0)]
    }

    /// Region codes sorted as strings, without duplicates: the order every output uses.
    pub fn sorted_codes(&self, ids: &[RegionId]) -> Vec<String> {
        let mut codes: Vec<String> = ids.iter().map(|id| self.code(*id).to_owned()).collect();
        codes.sort();
        codes.dedup();
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Regions {
        Regions::from_json(include_str!("../../assets/regions.json")).expect("embedded regions load")
    }

    #[test]
    fn there_are_27_regions() {
        assert_eq!(regions().len(), 27);
    }

    #[test]
    fn distal_follows_the_chain_on_the_same_side() {
        let r = regions();
        let thigh = r.id("thigh_r").unwrap();
        let distal: Vec<&str> = r.distal_to(thigh).iter().map(|id| r.code(*id)).collect();
        assert_eq!(distal, ["knee_r", "lower_leg_r", "foot_r"]);
        let shoulder = r.id("shoulder_l").unwrap();
        let distal: Vec<&str> = r.distal_to(shoulder).iter().map(|id| r.code(*id)).collect();
        assert_eq!(distal, ["upper_arm_l", "elbow_l", "forearm_l", "hand_l"]);
    }

    #[test]
    fn axial_and_most_distal_regions_have_nothing_distal() {
        let r = regions();
        for code in
            ["head", "neck", "chest", "abdomen", "upper_back", "lower_back", "sacrum_pelvis", "foot_l", "hand_r"]
        {
            assert!(r.distal_to(r.id(code).unwrap()).is_empty(), "{code}");
        }
    }

    /// The embedded regions with one region's chart cell changed.
    fn with_chart(code: &str, cell: serde_json::Value) -> Result<Regions, String> {
        let mut file: serde_json::Value =
            serde_json::from_str(include_str!("../../assets/regions.json")).expect("valid JSON");
        for region in file["regions"].as_array_mut().expect("regions") {
            if region["code"] == code {
                region["chart"] = cell.clone();
            }
        }
        Regions::from_json(&file.to_string())
    }

    #[test]
    fn every_region_has_its_own_place_on_the_chart() {
        let r = regions();
        let mut places = std::collections::HashSet::new();
        for (_, region) in r.all() {
            for column in region.chart.columns[0]..=region.chart.columns[1] {
                assert!(places.insert((region.chart.row, column)), "{} overlaps", region.code);
            }
        }
        let clash = with_chart("knee_l", serde_json::json!({"row": 7, "columns": [1, 1], "short": "L knee"}));
        assert!(clash.is_err_and(|e| e.contains("knee_r") && e.contains("knee_l")), "two on one place");
        let outside = with_chart("knee_l", serde_json::json!({"row": 7, "columns": [2, 4], "short": "L knee"}));
        assert!(outside.is_err_and(|e| e.contains("columns")), "off the chart");
        let long = with_chart("knee_l", serde_json::json!({"row": 7, "columns": [2, 2], "short": "Left knee joint"}));
        assert!(long.is_err_and(|e| e.contains("label")), "a label that does not fit");
        let missing = with_chart("knee_l", serde_json::Value::Null);
        assert!(missing.is_err(), "every region must be on the chart");
    }
}

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
}

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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainEntry {
    #[allow(dead_code)]
    name: String,
    proximal_to_distal: Vec<String>,
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
            all.push(Region { code: entry.code, label: entry.label });
        }
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
}

//! The evaluated result of an intake: verdict, ordered flags, avoid map, scores and plan.

use crate::domain::dates::Stage;
use crate::domain::{ItemId, RegionId};
use crate::plan::Plan;
use crate::rules::{Flag, Referral, Tier};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// NPRS severity from `pain.now` (INTAKE.md, v2): 0-3 low, 4-6 moderate, 7-10 high.
///
/// The bands are the Canadian Physiotherapy Association Pain Science Division's NRS-11 bands
/// (0 no pain, 1-3 mild, 4-6 moderate, 7-10 severe); `low` also covers 0 because the output has
/// three codes. Sources disagree on the cut-offs: Boonstra et al. 2016 (Front Psychol 7:1466; 2854
/// patients with chronic musculoskeletal pain) found ≤ 5 mild, 6-7 moderate and ≥ 8 severe, and
/// cut-offs vary by population, so the band is descriptive only: no rule and no plan step reads it.
/// (v1 used 0-3 / 4-7 / 8-10 from a teaching flashcard deck.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NprsSeverity {
    Low,
    Moderate,
    High,
}

impl NprsSeverity {
    pub fn from_score(score: i64) -> NprsSeverity {
        match score {
            ..=3 => NprsSeverity::Low,
            4..=6 => NprsSeverity::Moderate,
            _ => NprsSeverity::High,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NprsSeverity::Low => "low",
            NprsSeverity::Moderate => "moderate",
            NprsSeverity::High => "high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub nprs_severity: Option<NprsSeverity>,
    pub stage: Option<Stage>,
    pub age: Option<u32>,
    /// Mean of the answered PSFS activity scores, to two decimals.
    pub psfs_mean: Option<f64>,
    /// Ticked yellow-flag items.
    pub yellow_flag_count: u32,
    /// Yellow-flag items with no answer: while any is unanswered, the count is not assessed.
    /// Absent (None) in results stored before this field existed, which are written back as
    /// they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yellow_flags_not_asked: Option<u32>,
}

impl Scores {
    /// The yellow-flag count as a reader sees it: a count only when every item was asked.
    pub fn yellow_flag_words(&self) -> String {
        let count = self.yellow_flag_count;
        let concern = match count {
            0..=1 => "low",
            2..=3 => "moderate",
            _ => "high",
        };
        match self.yellow_flags_not_asked {
            None | Some(0) => format!("{count} ({concern} concern)"),
            Some(unanswered) => format!("not assessed ({unanswered} not asked, {count} ticked)"),
        }
    }
}

/// The worst massage tier (`None` = clear) and the worst referral (`None` = none) over all flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub massage: Option<Tier>,
    pub referral: Option<Referral>,
}

impl Verdict {
    pub fn massage_code(self) -> &'static str {
        self.massage.map_or("clear", Tier::code)
    }

    pub fn referral_code(self) -> &'static str {
        self.referral.map_or("none", Referral::code)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub visit_date: NaiveDate,
    /// By massage tier (stop, avoid, modify, none), then referral (emergency .. none), then id.
    pub flags: Vec<Flag>,
    pub verdict: Verdict,
    /// Union of the regions of every `avoid` flag.
    pub avoid_regions: Vec<RegionId>,
    pub scores: Scores,
    pub plan: Plan,
}

impl Assessment {
    /// Whether the items behind any flag include this one (for highlighting in the form).
    pub fn item_raises_flag(&self, item: ItemId) -> bool {
        self.flags.iter().any(|f| f.because.contains(&item))
    }
}

/// Rank for ordering: the most severe first, "none" last.
pub fn tier_rank(tier: Option<Tier>) -> u8 {
    tier.map_or(3, |t| t as u8)
}

pub fn referral_rank(referral: Option<Referral>) -> u8 {
    referral.map_or(3, |r| r as u8)
}

#[cfg(test)]
mod tests {
    use super::NprsSeverity::{self, High, Low, Moderate};

    /// Every score of the 0-10 scale, at each band's edges (CPA NRS-11: 0-3, 4-6, 7-10).
    #[test]
    fn nprs_bands_cover_every_score() {
        let expected = [Low, Low, Low, Low, Moderate, Moderate, Moderate, High, High, High, High];
        for (score, band) in expected.iter().enumerate() {
            assert_eq!(NprsSeverity::from_score(score as i64), *band, "pain.now {score}");
        }
    }
}

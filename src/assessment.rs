//! The evaluated result of an intake: verdict, ordered flags, avoid map, scores and plan.

use crate::domain::dates::Stage;
use crate::domain::{ItemId, RegionId};
use crate::plan::Plan;
use crate::rules::{Flag, Referral, Tier};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// NPRS severity from `pain.now` (SINSS teaching convention): 0-3 low, 4-7 moderate, 8-10 high.
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
            4..=7 => NprsSeverity::Moderate,
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

//! The evaluated result in the shape of CONTRACT.md (`screen --format json`, and the result kept
//! in a record), and the same result as text a clinician reads at a terminal.

use crate::assessment::{Assessment, Scores};
use crate::content::Content;
use crate::plan::Plan;
use crate::rules::{Kind, Referral, Tier};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub verdict: VerdictReport,
    pub flags: Vec<FlagReport>,
    pub avoid_regions: Vec<String>,
    pub plan: Plan,
    pub scores: Scores,
    pub rulebook_version: String,
    pub visit_date: String,
}

/// The verdict: serialised as CONTRACT.md gives it, `{"massage": "stop", "referral": "none"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictReport {
    pub massage: MassageVerdict,
    pub referral: ReferralVerdict,
}

/// The massage verdict: the most restrictive tier of the flags, or clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MassageVerdict {
    Stop,
    Avoid,
    Modify,
    Clear,
}

/// The referral verdict: the most urgent referral of the flags, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralVerdict {
    Emergency,
    Urgent,
    Routine,
    /// `none`.
    #[serde(rename = "none")]
    NotNeeded,
}

impl MassageVerdict {
    pub fn from_tier(tier: Option<Tier>) -> MassageVerdict {
        match tier {
            Some(Tier::Stop) => MassageVerdict::Stop,
            Some(Tier::Avoid) => MassageVerdict::Avoid,
            Some(Tier::Modify) => MassageVerdict::Modify,
            None => MassageVerdict::Clear,
        }
    }

    pub fn tier(self) -> Option<Tier> {
        match self {
            MassageVerdict::Stop => Some(Tier::Stop),
            MassageVerdict::Avoid => Some(Tier::Avoid),
            MassageVerdict::Modify => Some(Tier::Modify),
            MassageVerdict::Clear => None,
        }
    }

    /// The code in the JSON: `stop`, `avoid`, `modify`, `clear`.
    pub fn code(self) -> &'static str {
        self.tier().map_or("clear", Tier::code)
    }

    /// A code as written in a file; none for a code that is not a verdict.
    pub fn from_code(code: &str) -> Option<MassageVerdict> {
        [MassageVerdict::Stop, MassageVerdict::Avoid, MassageVerdict::Modify, MassageVerdict::Clear]
            .into_iter()
            .find(|v| v.code() == code)
    }
}

impl ReferralVerdict {
    pub fn from_referral(referral: Option<Referral>) -> ReferralVerdict {
        match referral {
            Some(Referral::Emergency) => ReferralVerdict::Emergency,
            Some(Referral::Urgent) => ReferralVerdict::Urgent,
            Some(Referral::Routine) => ReferralVerdict::Routine,
            None => ReferralVerdict::NotNeeded,
        }
    }

    pub fn referral(self) -> Option<Referral> {
        match self {
            ReferralVerdict::Emergency => Some(Referral::Emergency),
            ReferralVerdict::Urgent => Some(Referral::Urgent),
            ReferralVerdict::Routine => Some(Referral::Routine),
            ReferralVerdict::NotNeeded => None,
        }
    }

    /// The code in the JSON: `emergency`, `urgent`, `routine`, `none`.
    pub fn code(self) -> &'static str {
        self.referral().map_or("none", Referral::code)
    }

    /// A code as written in a file; none for a code that is not a referral verdict.
    pub fn from_code(code: &str) -> Option<ReferralVerdict> {
        [ReferralVerdict::Emergency, ReferralVerdict::Urgent, ReferralVerdict::Routine, ReferralVerdict::NotNeeded]
            .into_iter()
            .find(|v| v.code() == code)
    }
}

impl std::fmt::Display for MassageVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::fmt::Display for ReferralVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// For tests and hand-built fixtures that write a verdict as its code (`"clear".into()`). A code
/// that is not a verdict reads as the most cautious one, `stop`: a mistyped fixture never clears
/// a patient. Files are read with serde, which refuses such a code.
impl From<&str> for MassageVerdict {
    fn from(code: &str) -> MassageVerdict {
        MassageVerdict::from_code(code).unwrap_or(MassageVerdict::Stop)
    }
}

/// As for [`MassageVerdict`]: a code that is not a referral verdict reads as `emergency`.
impl From<&str> for ReferralVerdict {
    fn from(code: &str) -> ReferralVerdict {
        ReferralVerdict::from_code(code).unwrap_or(ReferralVerdict::Emergency)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagReport {
    pub id: String,
    pub kind: Kind,
    pub massage: Option<Tier>,
    pub referral: Option<Referral>,
    pub regions: Vec<String>,
    pub title: String,
    pub action: String,
    pub detail: Option<String>,
    pub because: Vec<String>,
    pub sources: Vec<String>,
}

impl Report {
    pub fn new(content: &Content, assessment: &Assessment) -> Report {
        let flags = assessment
            .flags
            .iter()
            .map(|flag| {
                let rule = content.rulebook.rule(flag.rule);
                FlagReport {
                    id: rule.id.clone(),
                    kind: rule.kind,
                    massage: rule.massage,
                    referral: rule.referral,
                    regions: content.regions.sorted_codes(&flag.regions),
                    title: rule.title.clone(),
                    action: rule.action.clone(),
                    detail: rule.detail.clone(),
                    because: content.item_ids_sorted(&flag.because),
                    sources: rule.sources.clone(),
                }
            })
            .collect();
        Report {
            verdict: VerdictReport {
                massage: MassageVerdict::from_tier(assessment.verdict.massage),
                referral: ReferralVerdict::from_referral(assessment.verdict.referral),
            },
            flags,
            avoid_regions: content.regions.sorted_codes(&assessment.avoid_regions),
            plan: assessment.plan.clone(),
            scores: assessment.scores.clone(),
            rulebook_version: content.rulebook.version.clone(),
            visit_date: assessment.visit_date.format("%Y-%m-%d").to_string(),
        }
    }
}

// The badges moved to `words`; kept here for the code that imports them from the report.
pub use crate::words::{referral_badge, tier_badge};

/// "AVOID: massage allowed, but not on the areas to avoid".
fn massage_verdict_words(massage: MassageVerdict) -> String {
    format!("{}: {}", massage.code().to_uppercase(), crate::words::massage_verdict(massage).1)
}

/// "EMERGENCY referral: same-day emergency care, now", or "No referral needed".
fn referral_verdict_words(referral: ReferralVerdict) -> String {
    let (head, meaning) = crate::words::referral_verdict(referral);
    match referral {
        ReferralVerdict::NotNeeded => "No referral needed".to_owned(),
        _ => format!("{head} referral: {meaning}"),
    }
}

fn label_of<'c>(content: &'c Content, item_id: &'c str) -> &'c str {
    content.questionnaire.id(item_id).map_or(item_id, |id| content.questionnaire.item(id).label.as_str())
}

/// Region labels in body order (head to foot, left before right), which reads better than the
/// code order the JSON uses.
fn region_labels(content: &Content, codes: &[String]) -> String {
    let mut ids: Vec<_> = codes.iter().filter_map(|code| content.regions.id(code)).collect();
    ids.sort_unstable();
    ids.iter().map(|id| content.regions.label(*id)).collect::<Vec<_>>().join(", ")
}

fn words(code: &str) -> String {
    code.replace('_', " ")
}

/// The report as a clinician reads it: verdict first, then flags by severity with the action and
/// the source, the areas to avoid, then the plan and scores.
pub fn render_text(content: &Content, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "VERDICT  {}", massage_verdict_words(report.verdict.massage));
    let _ = writeln!(out, "         {}", referral_verdict_words(report.verdict.referral));
    let _ = writeln!(out, "Visit {} · rulebook {}", report.visit_date, report.rulebook_version);
    let _ = writeln!(out);
    if report.flags.is_empty() {
        let _ = writeln!(out, "FLAGS  none");
    } else {
        let _ = writeln!(out, "FLAGS ({})", report.flags.len());
    }
    for flag in &report.flags {
        let mut head = format!("{}  {}", tier_badge(flag.massage), flag.title);
        if let Some(referral) = referral_badge(flag.referral) {
            head = format!("{head}  [{referral}]");
        }
        let _ = writeln!(out, "{head}");
        let _ = writeln!(out, "    id:      {} ({})", flag.id, crate::words::kind_words(flag.kind));
        if !flag.regions.is_empty() {
            let _ = writeln!(out, "    where:   {}", region_labels(content, &flag.regions));
        }
        let _ = writeln!(out, "    do:      {}", flag.action);
        if let Some(detail) = &flag.detail {
            let _ = writeln!(out, "    note:    {detail}");
        }
        let because: Vec<&str> = flag.because.iter().map(|id| label_of(content, id)).collect();
        let _ = writeln!(out, "    because: {}", because.join("; "));
        let _ = writeln!(out, "    sources: {}", flag.sources.join("; "));
    }
    let _ = writeln!(out);
    if !report.avoid_regions.is_empty() {
        let _ = writeln!(out, "AVOID THESE AREAS  {}", region_labels(content, &report.avoid_regions));
        let _ = writeln!(out);
    }
    let plan = &report.plan;
    let _ = writeln!(out, "CARE PLAN");
    let _ = writeln!(out, "  Route:         {}", words(plan.route.code()));
    let _ = writeln!(out, "                 {}", plan.route_reason);
    if let (Some(kind), Some(reason)) = (plan.massage_type, &plan.massage_type_reason) {
        let _ = writeln!(out, "  Massage type:  {}", words(kind.code()));
        let _ = writeln!(out, "                 {reason}");
    }
    if let (Some(order), Some(reason)) = (plan.session_order, &plan.session_order_reason) {
        let _ = writeln!(out, "  Session order: {}", words(order.code()));
        let _ = writeln!(out, "                 {reason}");
        let _ = writeln!(out, "  Days:          {}", content.plan.days_advice(plan.separate_days));
        if plan.separate_days {
            let _ = writeln!(out, "                 because: {}", plan.separate_days_reasons.join("; "));
        }
    }
    if let Some(frequency) = &plan.frequency {
        let _ = writeln!(out, "  Frequency:     {frequency}");
    }
    if !plan.aftercare.is_empty() {
        let _ = writeln!(out, "  Aftercare:");
        for line in &plan.aftercare {
            let _ = writeln!(out, "    - {line}");
        }
    }
    let _ = writeln!(out);
    let s = &report.scores;
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "–".to_owned());
    let or_not_assessed = |v: Option<String>| v.unwrap_or_else(|| "not assessed".to_owned());
    let _ = writeln!(
        out,
        "SCORES  age {} · pain now {} · stage {} · PSFS mean {} · yellow flags {}",
        or_dash(s.age.map(|a| a.to_string())),
        or_not_assessed(s.nprs_severity.map(|n| n.code().to_owned())),
        or_dash(s.stage.map(|st| st.code().to_owned())),
        or_not_assessed(s.psfs_mean.map(|m| format!("{m}"))),
        s.yellow_flag_words()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_verdict_serialises_to_the_codes_of_the_contract() {
        let all = [
            (MassageVerdict::Stop, ReferralVerdict::Emergency, r#"{"massage":"stop","referral":"emergency"}"#),
            (MassageVerdict::Avoid, ReferralVerdict::Urgent, r#"{"massage":"avoid","referral":"urgent"}"#),
            (MassageVerdict::Modify, ReferralVerdict::Routine, r#"{"massage":"modify","referral":"routine"}"#),
            (MassageVerdict::Clear, ReferralVerdict::NotNeeded, r#"{"massage":"clear","referral":"none"}"#),
        ];
        for (massage, referral, json) in all {
            let verdict = VerdictReport { massage, referral };
            assert_eq!(serde_json::to_string(&verdict).ok().as_deref(), Some(json));
            assert_eq!(serde_json::from_str::<VerdictReport>(json).ok(), Some(verdict.clone()));
            assert_eq!(MassageVerdict::from_code(massage.code()), Some(massage));
            assert_eq!(ReferralVerdict::from_code(referral.code()), Some(referral));
            assert_eq!(MassageVerdict::from_tier(massage.tier()), massage);
            assert_eq!(ReferralVerdict::from_referral(referral.referral()), referral);
        }
        assert!(serde_json::from_str::<VerdictReport>(r#"{"massage":"fine","referral":"none"}"#).is_err());
        // A mistyped code in a hand-built fixture never clears anyone.
        assert_eq!(MassageVerdict::from("fine"), MassageVerdict::Stop);
        assert_eq!(ReferralVerdict::from("soon"), ReferralVerdict::Emergency);
    }
}

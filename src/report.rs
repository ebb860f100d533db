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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictReport {
    /// `stop`, `avoid`, `modify` or `clear`.
    pub massage: String,
    /// `emergency`, `urgent`, `routine` or `none`.
    pub referral: String,
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
                massage: assessment.verdict.massage_code().to_owned(),
                referral: assessment.verdict.referral_code().to_owned(),
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

/// The symbol and word a flag is shown with: never colour alone.
pub fn tier_badge(tier: Option<Tier>) -> &'static str {
    match tier {
        Some(Tier::Stop) => "■ STOP",
        Some(Tier::Avoid) => "▲ AVOID",
        Some(Tier::Modify) => "● MODIFY",
        None => "○ NOTE",
    }
}

pub fn referral_badge(referral: Option<Referral>) -> Option<&'static str> {
    match referral? {
        Referral::Emergency => Some("REFER: EMERGENCY (same day, now)"),
        Referral::Urgent => Some("REFER: URGENT (within 24 h)"),
        Referral::Routine => Some("REFER: routine (clearance before massage)"),
    }
}

fn massage_verdict_words(code: &str) -> &'static str {
    match code {
        "stop" => "STOP: no massage or hands-on treatment this visit",
        "avoid" => "AVOID: massage allowed, but not on the areas listed",
        "modify" => "MODIFY: massage allowed with changed pressure, site, position or duration",
        _ => "CLEAR: no contraindication found",
    }
}

fn referral_verdict_words(code: &str) -> &'static str {
    match code {
        "emergency" => "EMERGENCY referral: same-day emergency care, now",
        "urgent" => "URGENT referral: medical assessment within 24 hours, before treatment",
        "routine" => "Routine referral: medical review or written clearance before (further) massage",
        _ => "No referral needed",
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
    let _ = writeln!(out, "VERDICT  {}", massage_verdict_words(&report.verdict.massage));
    let _ = writeln!(out, "         {}", referral_verdict_words(&report.verdict.referral));
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
        let _ = writeln!(out, "    id:      {} ({})", flag.id, words(flag.kind.code()));
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

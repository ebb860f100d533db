//! The care plan (PLAN.md v2, tables in assets/plan.json): route, massage type, session order,
//! same or separate days, frequency and aftercare, each with its reason.
//!
//! v2's one rule: the plan never contradicts a flag. Three terms (PLAN.md section 0) carry it:
//! the *holding flags* (fired, routine referral, massage tier stop or modify), *clearance pending*
//! (some holding flag and `screen.clearance_on_file` not true) and *complaint avoided*
//! (`complaint.regions` answered and every one of them on the avoid map). Every item and rule id
//! the plan relies on is named in plan.json and checked when the tables load.

use crate::assessment::{referral_rank, tier_rank};
use crate::domain::{Answers, ItemId, ItemType, RegionId};
use crate::known;
use crate::rules::language::{Condition, Facts, RawCondition, Scope};
use crate::rules::{Flag, Referral, Rulebook, Tier};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    EmergencyReferral,
    UrgentReferral,
    Defer,
    Combined,
    PhysioFirst,
    Massage,
}

impl Route {
    pub fn code(self) -> &'static str {
        match self {
            Route::EmergencyReferral => "emergency_referral",
            Route::UrgentReferral => "urgent_referral",
            Route::Defer => "defer",
            Route::Combined => "combined",
            Route::PhysioFirst => "physio_first",
            Route::Massage => "massage",
        }
    }

    /// Whether massage is part of this visit's plan (the general aftercare is then given).
    pub fn includes_massage(self) -> bool {
        matches!(self, Route::Combined | Route::Massage)
    }

    /// Whether the route includes hands-on care this visit (PLAN.md section 6: the flags'
    /// aftercare lines are then given).
    pub fn is_hands_on(self) -> bool {
        matches!(self, Route::Combined | Route::PhysioFirst | Route::Massage)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MassageType {
    Therapeutic,
    DeepTissue,
}

impl MassageType {
    pub fn code(self) -> &'static str {
        match self {
            MassageType::Therapeutic => "therapeutic",
            MassageType::DeepTissue => "deep_tissue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionOrder {
    MassageFirst,
    PhysioFirst,
}

impl SessionOrder {
    pub fn code(self) -> &'static str {
        match self {
            SessionOrder::MassageFirst => "massage_first",
            SessionOrder::PhysioFirst => "physio_first",
        }
    }
}

/// The recommendation. The clinician's own decision is recorded beside it, never replaced by it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub route: Route,
    pub route_reason: String,
    /// Why physiotherapy is indicated (empty when it is not).
    pub physio_indications: Vec<String>,
    pub massage_type: Option<MassageType>,
    pub massage_type_reason: Option<String>,
    pub session_order: Option<SessionOrder>,
    pub session_order_reason: Option<String>,
    pub separate_days: bool,
    pub separate_days_reasons: Vec<String>,
    pub frequency: Option<String>,
    pub aftercare: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    #[serde(rename = "_comment", default)]
    _comment: Option<String>,
    physio_indicated: Vec<Reasoned>,
    route_reasons: HashMap<Route, String>,
    clearance: ClearanceFile,
    avoid_map: AvoidMapFile,
    review_only: String,
    massage_type: Vec<MassageTypeRow>,
    massage_type_detail: HashMap<MassageType, String>,
    deep_work_forbidden: FlagListFile,
    session_order: Vec<SessionOrderRow>,
    separate_days: Vec<Reasoned>,
    shorter_sessions: FlagListFile,
    separate_days_advice: String,
    same_day_advice: String,
    frequency: HashMap<Route, String>,
    aftercare: Vec<String>,
}

/// PLAN.md section 0 and the texts that say a clearance is pending or on file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearanceFile {
    #[serde(rename = "_comment", default)]
    _comment: Option<String>,
    /// The bool item that records a written clearance on file.
    item: String,
    /// "{flags}": the titles of the holding flags.
    pending: String,
    physio_may_proceed: String,
    no_physio: String,
    /// "{flags}": the titles of holding flags whose clearance is on file.
    on_file: String,
    /// Stop flags with a routine referral that a clearance does not lift, and how each is lifted.
    not_lifted: Vec<NotLiftedFile>,
    /// "{flag}" and "{how}".
    not_lifted_reason: String,
    massage_type_prefix: String,
    frequency: String,
    aftercare: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotLiftedFile {
    rule: String,
    how: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AvoidMapFile {
    #[serde(rename = "_comment", default)]
    _comment: Option<String>,
    /// The regions item of the presenting complaint.
    complaint_item: String,
    /// "{flags}": the avoid flags over the complaint.
    complaint_avoided: String,
    /// "{areas}": the complaint's areas on the avoid map.
    left_out: String,
    /// "{areas}": the complaint's areas not on the avoid map.
    order_remaining: String,
}

/// A list of rule ids with the text the plan adds when one of them fired.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagListFile {
    #[serde(rename = "_comment", default)]
    _comment: Option<String>,
    rules: Vec<String>,
    reason: String,
    /// For deep_work_forbidden: what "{areas}" says when a flag recorded no region.
    #[serde(default)]
    unrecorded: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reasoned {
    reason: String,
    when: RawCondition,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MassageTypeRow {
    #[serde(rename = "type")]
    kind: MassageType,
    #[serde(default)]
    when_pressure_restricting: bool,
    #[serde(default)]
    when: Option<RawCondition>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionOrderRow {
    conditions: Vec<String>,
    order: SessionOrder,
    reason: String,
}

enum TypeTest {
    PressureRestricting,
    When(Condition),
    Always,
}

/// The texts of PLAN.md v2's clearance rows (see [`ClearanceFile`]).
struct ClearanceTexts {
    pending: String,
    physio_may_proceed: String,
    no_physio: String,
    on_file: String,
    not_lifted_reason: String,
    massage_type_prefix: String,
    frequency: String,
    aftercare: String,
}

struct AvoidTexts {
    complaint_avoided: String,
    left_out: String,
    order_remaining: String,
}

/// The plan tables, compiled against the questionnaire and the rulebook.
pub struct PlanTables {
    physio_indicated: Vec<(String, Condition)>,
    route_reasons: HashMap<Route, String>,
    clearance_item: ItemId,
    clearance: ClearanceTexts,
    /// Rule index -> how the flag is lifted, for holding flags a clearance does not lift.
    not_lifted: Vec<(usize, String)>,
    complaint_item: ItemId,
    avoid: AvoidTexts,
    review_only: String,
    massage_type: Vec<(MassageType, TypeTest, String)>,
    massage_type_detail: HashMap<MassageType, String>,
    deep_work_forbidden: Vec<usize>,
    deep_work_reason: String,
    deep_work_unrecorded: String,
    /// complaint.condition option index -> (order, reason)
    session_order: HashMap<u16, (SessionOrder, String)>,
    condition_item: ItemId,
    separate_days: Vec<(String, Condition)>,
    shorter_sessions: Vec<usize>,
    shorter_sessions_reason: String,
    separate_days_advice: String,
    same_day_advice: String,
    frequency: HashMap<Route, String>,
    aftercare: Vec<String>,
    /// Region labels by region index, for the texts that name areas.
    region_labels: Vec<String>,
}

/// Check that a text holds each placeholder it is filled with.
fn template(text: String, key: &str, placeholders: &[&str]) -> Result<String, String> {
    for placeholder in placeholders {
        if !text.contains(placeholder) {
            return Err(format!("plan.json: {key} must contain {placeholder}"));
        }
    }
    Ok(text)
}

/// Resolve rule ids to indices: a missing id is a load error, never a silently inactive row.
fn rule_indices(scope: &Scope, ids: &[String], key: &str) -> Result<Vec<usize>, String> {
    if ids.is_empty() {
        return Err(format!("plan.json: {key} names no rule"));
    }
    ids.iter()
        .map(|id| scope.rules.get(id).copied().ok_or_else(|| format!("plan.json: {key}: unknown rule {id}")))
        .collect()
}

fn item_of_kind(scope: &Scope, id: &str, kind: ItemType, key: &str) -> Result<ItemId, String> {
    let item = scope.questionnaire.id(id).ok_or_else(|| format!("plan.json: {key}: unknown item {id}"))?;
    if scope.questionnaire.item(item).kind != kind {
        return Err(format!("plan.json: {key}: item {id} is not a {kind:?} item").to_lowercase());
    }
    Ok(item)
}

impl PlanTables {
    pub fn load(text: &str, scope: &Scope) -> Result<PlanTables, String> {
        let file: PlanFile = serde_json::from_str(text).map_err(|e| format!("plan.json: {e}"))?;
        let compile = |rows: Vec<Reasoned>, table: &str| {
            rows.into_iter()
                .map(|row| {
                    let condition = scope.compile(&row.when).map_err(|e| format!("plan.json: {table}: {e}"))?;
                    Ok((row.reason, condition))
                })
                .collect::<Result<Vec<_>, String>>()
        };
        let physio_indicated = compile(file.physio_indicated, "physio_indicated")?;
        let separate_days = compile(file.separate_days, "separate_days")?;
        let mut massage_type = Vec::new();
        for row in file.massage_type {
            let test = match (row.when_pressure_restricting, row.when) {
                (true, None) => TypeTest::PressureRestricting,
                (false, Some(when)) => {
                    TypeTest::When(scope.compile(&when).map_err(|e| format!("plan.json: massage_type: {e}"))?)
                }
                (false, None) => TypeTest::Always,
                (true, Some(_)) => {
                    return Err(
                        "plan.json: massage_type: a row has both a condition and when_pressure_restricting".into()
                    );
                }
            };
            massage_type.push((row.kind, test, row.reason));
        }
        if !matches!(massage_type.last(), Some((_, TypeTest::Always, _))) {
            return Err("plan.json: massage_type must end with a row without a condition (the otherwise row)".into());
        }
        let condition_item = item_of_kind(scope, known::item::COMPLAINT_CONDITION, ItemType::Choice, "session_order")?;
        let condition_spec = scope.questionnaire.item(condition_item);
        let mut session_order = HashMap::new();
        for row in file.session_order {
            for code in &row.conditions {
                let option = condition_spec
                    .option_index(code)
                    .ok_or_else(|| format!("plan.json: session_order: complaint.condition has no option {code}"))?;
                if session_order.insert(option, (row.order, row.reason.clone())).is_some() {
                    return Err(format!("plan.json: session_order: {code} is listed twice"));
                }
            }
        }
        for route in [
            Route::EmergencyReferral,
            Route::UrgentReferral,
            Route::Defer,
            Route::Combined,
            Route::PhysioFirst,
            Route::Massage,
        ] {
            if !file.route_reasons.contains_key(&route) {
                return Err(format!("plan.json: route_reasons has no text for {}", route.code()));
            }
        }
        for kind in [MassageType::Therapeutic, MassageType::DeepTissue] {
            if !file.massage_type_detail.contains_key(&kind) {
                return Err(format!("plan.json: massage_type_detail has no text for {}", kind.code()));
            }
        }
        if !file.frequency.contains_key(&Route::PhysioFirst) {
            return Err("plan.json: frequency has no text for physio_first".into());
        }

        let c = file.clearance;
        let clearance_item = item_of_kind(scope, &c.item, ItemType::Bool, "clearance.item")?;
        let mut not_lifted = Vec::new();
        for row in c.not_lifted {
            let index = rule_indices(scope, std::slice::from_ref(&row.rule), "clearance.not_lifted")?[0];
            not_lifted.push((index, row.how));
        }
        let clearance = ClearanceTexts {
            pending: template(c.pending, "clearance.pending", &["{flags}"])?,
            physio_may_proceed: c.physio_may_proceed,
            no_physio: c.no_physio,
            on_file: template(c.on_file, "clearance.on_file", &["{flags}"])?,
            not_lifted_reason: template(c.not_lifted_reason, "clearance.not_lifted_reason", &["{flag}", "{how}"])?,
            massage_type_prefix: c.massage_type_prefix,
            frequency: c.frequency,
            aftercare: c.aftercare,
        };
        let a = file.avoid_map;
        let complaint_item = item_of_kind(scope, &a.complaint_item, ItemType::Regions, "avoid_map.complaint_item")?;
        let avoid = AvoidTexts {
            complaint_avoided: template(a.complaint_avoided, "avoid_map.complaint_avoided", &["{flags}"])?,
            left_out: template(a.left_out, "avoid_map.left_out", &["{areas}"])?,
            order_remaining: template(a.order_remaining, "avoid_map.order_remaining", &["{areas}"])?,
        };
        let review_only = template(file.review_only, "review_only", &["{flags}"])?;
        let deep = file.deep_work_forbidden;
        let deep_work_forbidden = rule_indices(scope, &deep.rules, "deep_work_forbidden")?;
        let deep_work_reason = template(deep.reason, "deep_work_forbidden.reason", &["{areas}", "{flags}"])?;
        let deep_work_unrecorded =
            deep.unrecorded.ok_or("plan.json: deep_work_forbidden needs an `unrecorded` text")?;
        let shorter = file.shorter_sessions;
        let shorter_sessions = rule_indices(scope, &shorter.rules, "shorter_sessions")?;
        if shorter.unrecorded.is_some() {
            return Err("plan.json: shorter_sessions takes no `unrecorded` text".into());
        }
        let shorter_sessions_reason = template(shorter.reason, "shorter_sessions.reason", &["{flags}"])?;
        let region_labels = scope.regions.all().map(|(_, region)| region.label.clone()).collect();
        Ok(PlanTables {
            physio_indicated,
            route_reasons: file.route_reasons,
            clearance_item,
            clearance,
            not_lifted,
            complaint_item,
            avoid,
            review_only,
            massage_type,
            massage_type_detail: file.massage_type_detail,
            deep_work_forbidden,
            deep_work_reason,
            deep_work_unrecorded,
            session_order,
            condition_item,
            separate_days,
            shorter_sessions,
            shorter_sessions_reason,
            separate_days_advice: file.separate_days_advice,
            same_day_advice: file.same_day_advice,
            frequency: file.frequency,
            aftercare: file.aftercare,
            region_labels,
        })
    }

    /// Advice shown with the separate-days decision.
    pub fn days_advice(&self, separate: bool) -> &str {
        if separate { &self.separate_days_advice } else { &self.same_day_advice }
    }

    /// The item that records a written clearance on file (PLAN.md section 0).
    pub fn clearance_item(&self) -> ItemId {
        self.clearance_item
    }

    /// Rule indices of RULEBOOK.md's "Flags that call for shorter, lighter sessions".
    pub fn shorter_sessions_rules(&self) -> &[usize] {
        &self.shorter_sessions
    }

    /// Rule indices of the modify flags that forbid deep work on their regions.
    pub fn deep_work_forbidden_rules(&self) -> &[usize] {
        &self.deep_work_forbidden
    }

    /// Rule indices of the holding flags that a clearance does not lift.
    pub fn not_lifted_by_clearance(&self) -> impl Iterator<Item = usize> + '_ {
        self.not_lifted.iter().map(|(rule, _)| *rule)
    }

    fn areas(&self, ids: &[RegionId]) -> String {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        ids.iter()
            .filter_map(|id| self.region_labels.get(usize::from(id.0)))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The plan for these answers, given the flags that fired and the verdict.
    pub fn recommend(
        &self,
        facts: &Facts,
        rulebook: &Rulebook,
        flags: &[Flag],
        verdict: (Option<Tier>, Option<Referral>),
    ) -> Plan {
        let (massage_verdict, referral_verdict) = verdict;
        let answers: &Answers = facts.answers;
        // The flags in the order they are shown (tier, referral, id), so that every list of titles
        // and the aftercare read in the clinician's order.
        let mut shown: Vec<&Flag> = flags.iter().collect();
        shown.sort_by(|a, b| {
            let (ra, rb) = (rulebook.rule(a.rule), rulebook.rule(b.rule));
            (tier_rank(ra.massage), referral_rank(ra.referral), ra.id.as_str()).cmp(&(
                tier_rank(rb.massage),
                referral_rank(rb.referral),
                rb.id.as_str(),
            ))
        });
        let titles = |keep: &dyn Fn(&Flag) -> bool| {
            shown
                .iter()
                .filter(|f| keep(f))
                .map(|f| rulebook.rule(f.rule).title.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let is_not_lifted = |f: &Flag| self.not_lifted.iter().any(|(rule, _)| *rule == f.rule);

        // PLAN.md section 0.
        let holding = |f: &Flag| {
            let rule = rulebook.rule(f.rule);
            rule.referral == Some(Referral::Routine) && matches!(rule.massage, Some(Tier::Stop | Tier::Modify))
        };
        let clearance_on_file = answers.bool(self.clearance_item) == Some(true);
        let clearance_pending = !clearance_on_file && flags.iter().any(holding);
        let avoid_flag = |f: &Flag| rulebook.rule(f.rule).massage == Some(Tier::Avoid);
        let mut avoid_map: Vec<RegionId> =
            flags.iter().filter(|f| avoid_flag(f)).flat_map(|f| f.regions.iter().copied()).collect();
        avoid_map.sort_unstable();
        avoid_map.dedup();
        let complaint = answers.regions(self.complaint_item);
        let (left_out, remaining): (Vec<RegionId>, Vec<RegionId>) =
            complaint.iter().partition(|r| avoid_map.binary_search(r).is_ok());
        let complaint_avoided = !complaint.is_empty() && remaining.is_empty();
        let over_complaint = |f: &Flag| avoid_flag(f) && f.regions.iter().any(|r| left_out.contains(r));

        // PLAN.md section 1.
        let physio_indications: Vec<String> =
            self.physio_indicated.iter().filter(|(_, c)| c.holds(facts)).map(|(reason, _)| reason.clone()).collect();
        let physio = !physio_indications.is_empty();
        let order_row = answers.choice(self.condition_item).and_then(|c| self.session_order.get(&c));
        let route = match (referral_verdict, massage_verdict) {
            (Some(Referral::Emergency), _) => Route::EmergencyReferral,
            (Some(Referral::Urgent), _) => Route::UrgentReferral,
            (_, Some(Tier::Stop)) => Route::Defer,
            _ if clearance_pending && !physio => Route::Defer,
            _ if physio && (clearance_pending || complaint_avoided || order_row.is_none()) => Route::PhysioFirst,
            _ if physio => Route::Combined,
            _ => Route::Massage,
        };
        let referral_route = matches!(route, Route::EmergencyReferral | Route::UrgentReferral);
        let hands_on = route.is_hands_on();

        let base = self.route_reasons.get(&route).map(String::as_str).unwrap_or_default();
        let pending_titles = titles(&|f| holding(f) && !is_not_lifted(f));
        let pending_sentence = (clearance_pending && !pending_titles.is_empty())
            .then(|| self.clearance.pending.replace("{flags}", &pending_titles));
        let mut reason: Vec<String> = Vec::new();
        let indicated_by = || format!("Indicated by: {}.", physio_indications.join("; "));
        match route {
            Route::EmergencyReferral => reason
                .push(format!("{base} ({})", titles(&|f| rulebook.rule(f.rule).referral == Some(Referral::Emergency)))),
            Route::UrgentReferral => reason
                .push(format!("{base} ({})", titles(&|f| rulebook.rule(f.rule).referral == Some(Referral::Urgent)))),
            Route::Defer if massage_verdict == Some(Tier::Stop) => {
                reason.push(format!("{base} ({})", titles(&|f| rulebook.rule(f.rule).massage == Some(Tier::Stop))));
                reason.extend(pending_sentence.clone());
                for flag in shown.iter().filter(|f| holding(f)) {
                    if let Some((_, how)) = self.not_lifted.iter().find(|(rule, _)| *rule == flag.rule) {
                        let text = self.clearance.not_lifted_reason.replace("{flag}", &rulebook.rule(flag.rule).title);
                        reason.push(text.replace("{how}", how));
                    }
                }
            }
            Route::Defer => {
                reason.extend(pending_sentence.clone());
                reason.push(self.clearance.no_physio.clone());
            }
            Route::PhysioFirst => {
                if let Some(pending) = &pending_sentence {
                    reason.push(pending.clone());
                    reason.push(self.clearance.physio_may_proceed.clone());
                }
                if complaint_avoided {
                    reason.push(self.avoid.complaint_avoided.replace("{flags}", &titles(&over_complaint)));
                }
                if pending_sentence.is_none() && !complaint_avoided {
                    reason.push(base.to_owned());
                }
                reason.push(indicated_by());
            }
            Route::Combined => {
                reason.push(base.to_owned());
                reason.push(indicated_by());
            }
            Route::Massage => {
                reason.push(base.to_owned());
                if !left_out.is_empty() {
                    reason.push(self.avoid.left_out.replace("{areas}", &self.areas(&left_out)));
                }
            }
        }
        if !referral_route {
            if clearance_on_file {
                let cleared = titles(&|f| holding(f) && !is_not_lifted(f));
                if !cleared.is_empty() {
                    reason.push(self.clearance.on_file.replace("{flags}", &cleared));
                }
            }
            let review = titles(&|f| rulebook.rule(f.rule).referral == Some(Referral::Routine) && !holding(f));
            if !review.is_empty() {
                reason.push(self.review_only.replace("{flags}", &review));
            }
        }
        let route_reason = reason.join(" ");

        // PLAN.md section 2.
        let (massage_type, massage_type_reason) = if hands_on {
            let restricting = titles(&|f| rulebook.rule(f.rule).restricts_pressure);
            let chosen = self.massage_type.iter().find_map(|(kind, test, reason)| match test {
                TypeTest::PressureRestricting if !restricting.is_empty() => {
                    Some((*kind, format!("{reason}: {restricting}.")))
                }
                TypeTest::When(condition) if condition.holds(facts) => Some((*kind, reason.clone())),
                TypeTest::Always => Some((*kind, reason.clone())),
                _ => None,
            });
            match chosen {
                Some((kind, mut reason)) => {
                    if kind == MassageType::DeepTissue {
                        let forbidding: Vec<&&Flag> =
                            shown.iter().filter(|f| self.deep_work_forbidden.contains(&f.rule)).collect();
                        if !forbidding.is_empty() {
                            let regions: Vec<RegionId> =
                                forbidding.iter().flat_map(|f| f.regions.iter().copied()).collect();
                            let mut areas = self.areas(&regions);
                            if forbidding.iter().any(|f| f.regions.is_empty()) {
                                areas = if areas.is_empty() {
                                    self.deep_work_unrecorded.clone()
                                } else {
                                    format!("{areas}, {}", self.deep_work_unrecorded)
                                };
                            }
                            let names = forbidding
                                .iter()
                                .map(|f| rulebook.rule(f.rule).title.as_str())
                                .collect::<Vec<_>>()
                                .join("; ");
                            reason = format!(
                                "{reason} {}",
                                self.deep_work_reason.replace("{areas}", &areas).replace("{flags}", &names)
                            );
                        }
                    }
                    if route == Route::PhysioFirst && clearance_pending {
                        reason = format!("{} {reason}", self.clearance.massage_type_prefix);
                    }
                    let detail = self.massage_type_detail.get(&kind).map(String::as_str).unwrap_or("");
                    (Some(kind), Some(format!("{reason} {detail}").trim().to_owned()))
                }
                None => (None, None),
            }
        } else {
            (None, None)
        };

        // PLAN.md sections 3 and 4: asked only for the combined route.
        let combined = route == Route::Combined;
        let (session_order, session_order_reason) = match order_row {
            Some((order, reason)) if combined => {
                let reason = if left_out.is_empty() {
                    reason.clone()
                } else {
                    let only = self.avoid.order_remaining.replace("{areas}", &self.areas(&remaining));
                    format!("{} ({only}).", reason.trim_end_matches('.'))
                };
                (Some(*order), Some(reason))
            }
            _ => (None, None),
        };
        let mut separate_days_reasons: Vec<String> = Vec::new();
        if combined {
            separate_days_reasons
                .extend(self.separate_days.iter().filter(|(_, c)| c.holds(facts)).map(|(reason, _)| reason.clone()));
            let shorter = titles(&|f| self.shorter_sessions.contains(&f.rule));
            if !shorter.is_empty() {
                separate_days_reasons.push(self.shorter_sessions_reason.replace("{flags}", &shorter));
            }
        }

        // PLAN.md section 5.
        let frequency = if route == Route::PhysioFirst && clearance_pending {
            Some(self.clearance.frequency.clone())
        } else {
            self.frequency.get(&route).cloned()
        };

        // PLAN.md section 6.
        let mut aftercare: Vec<String> = if route.includes_massage() { self.aftercare.clone() } else { Vec::new() };
        if hands_on {
            for line in shown.iter().filter_map(|f| rulebook.rule(f.rule).aftercare.as_ref()) {
                if !aftercare.contains(line) {
                    aftercare.push(line.clone());
                }
            }
            if clearance_pending {
                aftercare.push(self.clearance.aftercare.clone());
            }
        }

        Plan {
            route,
            route_reason,
            physio_indications,
            massage_type,
            massage_type_reason,
            session_order,
            session_order_reason,
            separate_days: !separate_days_reasons.is_empty(),
            separate_days_reasons,
            frequency,
            aftercare,
        }
    }
}

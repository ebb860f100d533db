//! The care plan (PLAN.md, tables in assets/plan.json): route, massage type, session order,
//! same or separate days, frequency and aftercare, each with its reason.

use crate::domain::{Answers, ItemId};
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

    /// Whether massage is part of this visit's plan (aftercare is then given).
    pub fn includes_massage(self) -> bool {
        matches!(self, Route::Combined | Route::Massage)
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
    massage_type: Vec<MassageTypeRow>,
    massage_type_detail: HashMap<MassageType, String>,
    session_order: Vec<SessionOrderRow>,
    separate_days: Vec<Reasoned>,
    separate_days_advice: String,
    same_day_advice: String,
    frequency: HashMap<Route, String>,
    aftercare: Vec<String>,
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

/// The plan tables, compiled against the questionnaire and the rulebook.
pub struct PlanTables {
    physio_indicated: Vec<(String, Condition)>,
    route_reasons: HashMap<Route, String>,
    massage_type: Vec<(MassageType, TypeTest, String)>,
    massage_type_detail: HashMap<MassageType, String>,
    /// complaint.condition option index -> (order, reason)
    session_order: HashMap<u16, (SessionOrder, String)>,
    condition_item: ItemId,
    separate_days: Vec<(String, Condition)>,
    separate_days_advice: String,
    same_day_advice: String,
    frequency: HashMap<Route, String>,
    aftercare: Vec<String>,
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
        let condition_item = scope
            .questionnaire
            .id("complaint.condition")
            .ok_or("plan.json: the questionnaire has no complaint.condition")?;
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
        Ok(PlanTables {
            physio_indicated,
            route_reasons: file.route_reasons,
            massage_type,
            massage_type_detail: file.massage_type_detail,
            session_order,
            condition_item,
            separate_days,
            separate_days_advice: file.separate_days_advice,
            same_day_advice: file.same_day_advice,
            frequency: file.frequency,
            aftercare: file.aftercare,
        })
    }

    /// Advice shown with the separate-days decision.
    pub fn days_advice(&self, separate: bool) -> &str {
        if separate { &self.separate_days_advice } else { &self.same_day_advice }
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
        let physio_indications: Vec<String> =
            self.physio_indicated.iter().filter(|(_, c)| c.holds(facts)).map(|(reason, _)| reason.clone()).collect();
        let order_row = answers.choice(self.condition_item).and_then(|c| self.session_order.get(&c));
        let route = match (referral_verdict, massage_verdict) {
            (Some(Referral::Emergency), _) => Route::EmergencyReferral,
            (Some(Referral::Urgent), _) => Route::UrgentReferral,
            (_, Some(Tier::Stop)) => Route::Defer,
            _ if !physio_indications.is_empty() && order_row.is_some() => Route::Combined,
            _ if !physio_indications.is_empty() => Route::PhysioFirst,
            _ => Route::Massage,
        };
        let titles = |keep: &dyn Fn(&Flag) -> bool| {
            flags
                .iter()
                .filter(|f| keep(f))
                .map(|f| rulebook.rule(f.rule).title.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let mut route_reason = self.route_reasons.get(&route).cloned().unwrap_or_default();
        match route {
            Route::EmergencyReferral => {
                route_reason +=
                    &format!(" ({})", titles(&|f| rulebook.rule(f.rule).referral == Some(Referral::Emergency)));
            }
            Route::UrgentReferral => {
                route_reason +=
                    &format!(" ({})", titles(&|f| rulebook.rule(f.rule).referral == Some(Referral::Urgent)));
            }
            Route::Defer => {
                route_reason += &format!(" ({})", titles(&|f| rulebook.rule(f.rule).massage == Some(Tier::Stop)))
            }
            Route::Combined | Route::PhysioFirst => {
                route_reason += &format!(" Indicated by: {}.", physio_indications.join("; "))
            }
            Route::Massage => {}
        }
        if referral_verdict == Some(Referral::Routine)
            && !matches!(route, Route::EmergencyReferral | Route::UrgentReferral)
        {
            route_reason += &format!(
                " Medical review or written clearance before (further) massage: {}.",
                titles(&|f| rulebook.rule(f.rule).referral == Some(Referral::Routine))
            );
        }

        let (massage_type, massage_type_reason) = if massage_verdict == Some(Tier::Stop) {
            (None, None)
        } else {
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
                Some((kind, reason)) => {
                    let detail = self.massage_type_detail.get(&kind).map(String::as_str).unwrap_or("");
                    (Some(kind), Some(format!("{reason} {detail}").trim().to_owned()))
                }
                None => (None, None),
            }
        };

        let combined = route == Route::Combined;
        let (session_order, session_order_reason) = match order_row {
            Some((order, reason)) if combined => (Some(*order), Some(reason.clone())),
            _ => (None, None),
        };
        let separate_days_reasons: Vec<String> = if combined {
            self.separate_days.iter().filter(|(_, c)| c.holds(facts)).map(|(reason, _)| reason.clone()).collect()
        } else {
            Vec::new()
        };
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
            frequency: self.frequency.get(&route).cloned(),
            aftercare: if route.includes_massage() { self.aftercare.clone() } else { Vec::new() },
        }
    }
}

//! The small condition language that rule triggers, plan tables and show-when use
//! (assets/README.md documents it for clinicians). A condition is read as [`RawCondition`],
//! then compiled against the questionnaire into [`Condition`], with item ids, option codes and
//! region codes resolved to indices: evaluation then does no string work.

use crate::domain::dates::{Stage, days_between};
use crate::domain::{Answers, ItemId, ItemType, Questionnaire, RegionId, Regions};
use crate::known;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Op {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "=")]
    Eq,
}

impl Op {
    fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Op::Gt => left > right,
            Op::Ge => left >= right,
            Op::Lt => left < right,
            Op::Le => left <= right,
            Op::Eq => left == right,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => "≥",
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Eq => "=",
        }
    }
}

/// A condition as written in the asset files.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawCondition {
    All(Vec<RawCondition>),
    Any(Vec<RawCondition>),
    Not(Box<RawCondition>),
    IsTrue(String),
    Answered(String),
    Equals { item: String, value: String },
    OneOf { item: String, values: Vec<String> },
    HoldsAny { item: String, values: Vec<String> },
    Compare { item: String, op: Op, value: i64 },
    Age { op: Op, value: i64 },
    WithinDays { item: String, days: i64 },
    CountTrue { items: Vec<String>, at_least: usize },
    StageIn(Vec<Stage>),
    Fired(String),
    Def(String),
}

/// A condition ready to evaluate.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    IsTrue(ItemId),
    Answered(ItemId),
    ChoiceIn {
        item: ItemId,
        options: Vec<u16>,
    },
    HoldsCodes {
        item: ItemId,
        codes: Vec<u16>,
    },
    HoldsRegions {
        item: ItemId,
        regions: Vec<RegionId>,
    },
    Compare {
        item: ItemId,
        op: Op,
        value: i64,
    },
    Age {
        dob: ItemId,
        op: Op,
        value: i64,
    },
    WithinDays {
        item: ItemId,
        days: i64,
    },
    CountTrue {
        items: Vec<ItemId>,
        at_least: usize,
    },
    StageIn {
        onset: ItemId,
        stages: Vec<Stage>,
    },
    /// Index of another rule in the rulebook.
    Fired(usize),
}

/// What a condition may refer to while being compiled.
pub struct Scope<'a> {
    pub questionnaire: &'a Questionnaire,
    pub regions: &'a Regions,
    /// Rule id -> rule index; empty where rules cannot be named (show-when).
    pub rules: &'a HashMap<String, usize>,
    pub definitions: &'a HashMap<String, RawCondition>,
}

impl Scope<'_> {
    fn item(&self, id: &str, allowed: &[ItemType]) -> Result<ItemId, String> {
        let item_id = self.questionnaire.id(id).ok_or_else(|| format!("unknown item {id}"))?;
        let kind = self.questionnaire.item(item_id).kind;
        if !allowed.contains(&kind) {
            return Err(format!("item {id} is a {kind:?} item, which this condition cannot test").to_lowercase());
        }
        Ok(item_id)
    }

    fn options(&self, item: ItemId, codes: &[String]) -> Result<Vec<u16>, String> {
        let spec = self.questionnaire.item(item);
        codes
            .iter()
            .map(|code| spec.option_index(code).ok_or_else(|| format!("item {} has no option {code}", spec.id)))
            .collect()
    }

    fn fixed(&self, name: &str) -> Result<ItemId, String> {
        self.questionnaire.id(name).ok_or_else(|| format!("the questionnaire has no item {name}"))
    }

    pub fn compile(&self, raw: &RawCondition) -> Result<Condition, String> {
        self.compile_within(raw, &mut Vec::new())
    }

    fn compile_within(&self, raw: &RawCondition, defs_open: &mut Vec<String>) -> Result<Condition, String> {
        use ItemType as T;
        Ok(match raw {
            RawCondition::All(parts) | RawCondition::Any(parts) => {
                if parts.is_empty() {
                    return Err("all/any needs at least one condition".into());
                }
                let compiled = parts.iter().map(|p| self.compile_within(p, defs_open)).collect::<Result<_, _>>()?;
                if matches!(raw, RawCondition::All(_)) { Condition::All(compiled) } else { Condition::Any(compiled) }
            }
            RawCondition::Not(inner) => Condition::Not(Box::new(self.compile_within(inner, defs_open)?)),
            RawCondition::IsTrue(item) => Condition::IsTrue(self.item(item, &[T::Bool])?),
            RawCondition::Answered(item) => Condition::Answered(
                self.item(item, &[T::Bool, T::Text, T::Int, T::Date, T::Choice, T::Multi, T::Regions])?,
            ),
            RawCondition::Equals { item, value } => {
                let id = self.item(item, &[T::Choice])?;
                Condition::ChoiceIn { item: id, options: self.options(id, std::slice::from_ref(value))? }
            }
            RawCondition::OneOf { item, values } => {
                let id = self.item(item, &[T::Choice])?;
                Condition::ChoiceIn { item: id, options: self.options(id, values)? }
            }
            RawCondition::HoldsAny { item, values } => {
                let id = self.item(item, &[T::Multi, T::Regions])?;
                if self.questionnaire.item(id).kind == T::Multi {
                    Condition::HoldsCodes { item: id, codes: self.options(id, values)? }
                } else {
                    let regions = values
                        .iter()
                        .map(|code| self.regions.id(code).ok_or_else(|| format!("unknown region {code}")))
                        .collect::<Result<_, _>>()?;
                    Condition::HoldsRegions { item: id, regions }
                }
            }
            RawCondition::Compare { item, op, value } => {
                Condition::Compare { item: self.item(item, &[T::Int])?, op: *op, value: *value }
            }
            RawCondition::Age { op, value } => {
                Condition::Age { dob: self.fixed(known::item::PATIENT_DOB)?, op: *op, value: *value }
            }
            RawCondition::WithinDays { item, days } => {
                Condition::WithinDays { item: self.item(item, &[T::Date])?, days: *days }
            }
            RawCondition::CountTrue { items, at_least } => Condition::CountTrue {
                items: items.iter().map(|i| self.item(i, &[T::Bool])).collect::<Result<_, _>>()?,
                at_least: *at_least,
            },
            RawCondition::StageIn(stages) => {
                Condition::StageIn { onset: self.fixed(known::item::COMPLAINT_ONSET_DATE)?, stages: stages.clone() }
            }
            RawCondition::Fired(rule) => {
                Condition::Fired(*self.rules.get(rule).ok_or_else(|| format!("unknown rule {rule}"))?)
            }
            RawCondition::Def(name) => {
                if defs_open.contains(name) {
                    return Err(format!("definition {name} refers to itself"));
                }
                let body = self.definitions.get(name).ok_or_else(|| format!("unknown definition {name}"))?;
                defs_open.push(name.clone());
                let compiled = self.compile_within(body, defs_open)?;
                defs_open.pop();
                compiled
            }
        })
    }
}

/// What a condition is evaluated against: the answers, values derived from them, and the rules
/// that have fired so far (rules are evaluated in dependency order).
pub struct Facts<'a> {
    pub answers: &'a Answers,
    pub age: Option<u32>,
    pub stage: Option<Stage>,
    pub fired: &'a [bool],
    pub because: &'a [Vec<ItemId>],
}

impl Condition {
    pub fn holds(&self, facts: &Facts) -> bool {
        let answers = facts.answers;
        match self {
            Condition::All(parts) => parts.iter().all(|p| p.holds(facts)),
            Condition::Any(parts) => parts.iter().any(|p| p.holds(facts)),
            Condition::Not(inner) => !inner.holds(facts),
            Condition::IsTrue(item) => answers.bool(*item) == Some(true),
            Condition::Answered(item) => answers.get(*item).is_some(),
            Condition::ChoiceIn { item, options } => answers.choice(*item).is_some_and(|c| options.contains(&c)),
            Condition::HoldsCodes { item, codes } => answers.codes(*item).iter().any(|c| codes.contains(c)),
            Condition::HoldsRegions { item, regions } => answers.regions(*item).iter().any(|r| regions.contains(r)),
            Condition::Compare { item, op, value } => answers.int(*item).is_some_and(|n| op.holds(n, *value)),
            Condition::Age { op, value, .. } => facts.age.is_some_and(|age| op.holds(i64::from(age), *value)),
            Condition::WithinDays { item, days } => match answers.date(*item) {
                Some(date) => days_between(date, answers.visit_date()) <= *days,
                None => true,
            },
            Condition::CountTrue { items, at_least } => {
                items.iter().filter(|i| answers.bool(**i) == Some(true)).count() >= *at_least
            }
            Condition::StageIn { stages, .. } => facts.stage.is_some_and(|s| stages.contains(&s)),
            Condition::Fired(rule) => facts.fired[*rule],
        }
    }

    /// Add the items whose answers make this (holding) condition hold.
    pub fn because(&self, facts: &Facts, out: &mut Vec<ItemId>) {
        let answers = facts.answers;
        match self {
            Condition::All(parts) => parts.iter().for_each(|p| p.because(facts, out)),
            Condition::Any(parts) => {
                for part in parts.iter().filter(|p| p.holds(facts)) {
                    part.because(facts, out);
                }
            }
            Condition::Not(_) => {}
            Condition::IsTrue(item)
            | Condition::Answered(item)
            | Condition::ChoiceIn { item, .. }
            | Condition::HoldsCodes { item, .. }
            | Condition::HoldsRegions { item, .. }
            | Condition::Compare { item, .. } => out.push(*item),
            Condition::Age { dob, .. } => out.push(*dob),
            Condition::WithinDays { item, .. } => {
                if answers.get(*item).is_some() {
                    out.push(*item);
                }
            }
            Condition::CountTrue { items, .. } => {
                out.extend(items.iter().filter(|i| answers.bool(**i) == Some(true)));
            }
            Condition::StageIn { onset, .. } => out.push(*onset),
            Condition::Fired(rule) => out.extend_from_slice(&facts.because[*rule]),
        }
    }

    /// Rules this condition refers to.
    pub fn rules_named(&self, out: &mut Vec<usize>) {
        match self {
            Condition::All(parts) | Condition::Any(parts) => parts.iter().for_each(|p| p.rules_named(out)),
            Condition::Not(inner) => inner.rules_named(out),
            Condition::Fired(rule) => out.push(*rule),
            _ => {}
        }
    }
}

impl RawCondition {
    /// The condition in plain words, for `rules`: a shared definition by its name.
    pub fn describe(&self) -> String {
        self.describe_with(&|name: &str| name.to_owned())
    }

    /// The condition in plain words with every shared definition spelled out where it is used
    /// (for the flag detail and a student's feedback, who have no rulebook open beside them).
    /// Definitions are checked for cycles at load; a name not found (or nested too deep to be
    /// worth reading) stays a name.
    pub fn describe_in_full(&self, definitions: &HashMap<String, RawCondition>) -> String {
        fn spelled(raw: &RawCondition, definitions: &HashMap<String, RawCondition>, depth: usize) -> String {
            raw.describe_with(&|name: &str| match definitions.get(name) {
                Some(body) if depth < 8 => {
                    format!("{} [{}]", name.replace('_', " "), spelled(body, definitions, depth + 1))
                }
                _ => name.to_owned(),
            })
        }
        spelled(self, definitions, 0)
    }

    fn describe_with(&self, def: &dyn Fn(&str) -> String) -> String {
        let list = |values: &[String]| values.join(", ");
        let join = |parts: &[RawCondition], joiner: &str| {
            parts
                .iter()
                .map(|part| match part {
                    RawCondition::All(inner) | RawCondition::Any(inner) if inner.len() > 1 => {
                        format!("({})", part.describe_with(def))
                    }
                    _ => part.describe_with(def),
                })
                .collect::<Vec<_>>()
                .join(joiner)
        };
        match self {
            RawCondition::All(parts) => join(parts, " and "),
            RawCondition::Any(parts) => join(parts, " or "),
            RawCondition::Not(inner) => match inner.as_ref() {
                RawCondition::All(parts) | RawCondition::Any(parts) if parts.len() > 1 => {
                    format!("not ({})", inner.describe_with(def))
                }
                _ => format!("not {}", inner.describe_with(def)),
            },
            RawCondition::IsTrue(item) => format!("{item} is yes"),
            RawCondition::Answered(item) => format!("{item} is answered"),
            RawCondition::Equals { item, value } => format!("{item} = {value}"),
            RawCondition::OneOf { item, values } => format!("{item} is one of {}", list(values)),
            RawCondition::HoldsAny { item, values } => format!("{item} includes any of {}", list(values)),
            RawCondition::Compare { item, op, value } => format!("{item} {} {value}", op.symbol()),
            RawCondition::Age { op, value } => format!("age {} {value}", op.symbol()),
            RawCondition::WithinDays { item, days } => {
                format!("{item} at most {days} days before the visit (or no date given)")
            }
            RawCondition::CountTrue { items, at_least } => format!("at least {at_least} of {}", list(items)),
            RawCondition::StageIn(stages) => {
                format!("stage is {}", stages.iter().map(|s| s.code()).collect::<Vec<_>>().join(" or "))
            }
            RawCondition::Fired(rule) => format!("flag {rule} fired"),
            RawCondition::Def(name) => def(name),
        }
    }
}

//! The rulebook (assets/rules/): contraindications, red flags and yellow flags as data, and their
//! evaluation: answers -> the flags that fire, each with its regions and `because`.

pub mod language;

use crate::domain::dates::Stage;
use crate::domain::{Answers, ItemId, ItemType, Questionnaire, RegionId, Regions};
use language::{Condition, Facts, RawCondition, Scope};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Contraindication,
    RedFlag,
    YellowFlag,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Contraindication => "contraindication",
            Kind::RedFlag => "red_flag",
            Kind::YellowFlag => "yellow_flag",
        }
    }
}

/// Massage tier, most restrictive first (the derived order is the severity order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Stop,
    Avoid,
    Modify,
}

impl Tier {
    pub fn code(self) -> &'static str {
        match self {
            Tier::Stop => "stop",
            Tier::Avoid => "avoid",
            Tier::Modify => "modify",
        }
    }
}

/// Referral urgency, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Referral {
    Emergency,
    Urgent,
    Routine,
}

impl Referral {
    pub fn code(self) -> &'static str {
        match self {
            Referral::Emergency => "emergency",
            Referral::Urgent => "urgent",
            Referral::Routine => "routine",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub note: String,
    pub answers: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    #[serde(default)]
    pub because: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub fires: Vec<Example>,
    pub near_misses: Vec<Example>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegions {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    and_distal: bool,
    #[serde(default)]
    fixed: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: Kind,
    massage: Option<Tier>,
    referral: Option<Referral>,
    restricts_pressure: bool,
    title: String,
    action: String,
    #[serde(default)]
    detail: Option<String>,
    /// One patient-facing line the plan's aftercare carries when this flag fired (RULEBOOK.md,
    /// Flag aftercare).
    #[serde(default)]
    aftercare: Option<String>,
    sources: Vec<String>,
    when: RawCondition,
    #[serde(default)]
    regions: Option<RawRegions>,
    #[serde(default)]
    because_also: Vec<RawCondition>,
    examples: Examples,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulebookFile {
    version: String,
    #[serde(default)]
    definitions: HashMap<String, RawCondition>,
}

#[derive(Debug, Clone)]
pub enum RegionSource {
    None,
    From { item: ItemId, and_distal: bool },
    Fixed(Vec<RegionId>),
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub massage: Option<Tier>,
    pub referral: Option<Referral>,
    pub restricts_pressure: bool,
    pub title: String,
    pub action: String,
    pub detail: Option<String>,
    /// The patient-facing aftercare line, for hands-on routes (PLAN.md section 6).
    pub aftercare: Option<String>,
    pub sources: Vec<String>,
    /// The trigger in plain words, shared definitions by name (as the rulebook writes it).
    pub trigger: String,
    /// The same with every shared definition spelled out, for whoever has no rulebook open.
    pub trigger_in_full: String,
    /// Where the flag applies, in plain words (`None` for the whole body).
    pub regions_text: Option<String>,
    pub examples: Examples,
    when: Condition,
    regions: RegionSource,
    because_also: Vec<Condition>,
}

/// One fired rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Index of the rule in [`Rulebook::rules`].
    pub rule: usize,
    pub regions: Vec<RegionId>,
    pub because: Vec<ItemId>,
}

#[derive(Debug, Clone)]
pub struct Rulebook {
    /// The version written in rulebook.json, plus a fingerprint of the rule files.
    pub version: String,
    /// In evaluation order: a rule comes after every rule it names.
    rules: Vec<Rule>,
    by_id: HashMap<String, usize>,
}

/// One rule file: its name (for messages) and its text.
#[derive(Debug, Clone, Copy)]
pub struct RuleSource<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl Rulebook {
    /// Read and compile the rulebook. Every problem found is returned, each naming its file and rule.
    pub fn load(
        rulebook_json: &str,
        rule_files: &[RuleSource],
        questionnaire: &Questionnaire,
        regions: &Regions,
    ) -> Result<Rulebook, Vec<String>> {
        let mut problems = Vec::new();
        let head: RulebookFile =
            serde_json::from_str(rulebook_json).map_err(|e| vec![format!("rules/rulebook.json: {e}")])?;
        let mut raw_rules: Vec<(String, RawRule)> = Vec::new();
        for file in rule_files {
            match serde_json::from_str::<RuleFile>(file.text) {
                Ok(parsed) => raw_rules.extend(parsed.rules.into_iter().map(|r| (file.name.to_owned(), r))),
                Err(e) => problems.push(format!("rules/{}: {e}", file.name)),
            }
        }
        let mut by_id = HashMap::new();
        for (index, (file, raw)) in raw_rules.iter().enumerate() {
            if by_id.insert(raw.id.clone(), index).is_some() {
                problems.push(format!("rules/{file}: rule {} is defined twice", raw.id));
            }
        }
        let scope = Scope { questionnaire, regions, rules: &by_id, definitions: &head.definitions };
        for (name, body) in &head.definitions {
            if let Err(e) = scope.compile(body) {
                problems.push(format!("rules/rulebook.json: definition {name}: {e}"));
            }
        }
        let mut rules = Vec::new();
        for (file, raw) in &raw_rules {
            match compile_rule(raw, &scope) {
                Ok(rule) => rules.push(rule),
                Err(e) => problems.push(format!("rules/{file}: rule {}: {e}", raw.id)),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let order = dependency_order(&rules).map_err(|cycle| vec![format!("rules: {cycle}")])?;
        let rules = reorder(rules, &order);
        let by_id = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        let version = format!("{}+{}", head.version, fingerprint(rulebook_json, rule_files));
        Ok(Rulebook { version, rules, by_id })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every rule that fires for these answers, in evaluation order.
    pub fn evaluate(&self, answers: &Answers, regions: &Regions, age: Option<u32>, stage: Option<Stage>) -> Vec<Flag> {
        let count = self.rules.len();
        let mut fired = vec![false; count];
        let mut because: Vec<Vec<ItemId>> = vec![Vec::new(); count];
        let mut flags = Vec::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let facts = Facts { answers, age, stage, fired: &fired, because: &because };
            if !rule.when.holds(&facts) {
                continue;
            }
            let mut items = Vec::new();
            rule.when.because(&facts, &mut items);
            for extra in rule.because_also.iter().filter(|c| c.holds(&facts)) {
                extra.because(&facts, &mut items);
            }
            let flag_regions = match &rule.regions {
                RegionSource::None => Vec::new(),
                RegionSource::Fixed(ids) => ids.clone(),
                RegionSource::From { item, and_distal } => {
                    let named = answers.regions(*item);
                    if !named.is_empty() {
                        items.push(*item);
                    }
                    let mut ids = named.to_vec();
                    if *and_distal {
                        for id in named {
                            ids.extend_from_slice(regions.distal_to(*id));
                        }
                    }
                    ids
                }
            };
            items.sort_unstable();
            items.dedup();
            let mut flag_regions = flag_regions;
            flag_regions.sort_unstable();
            flag_regions.dedup();
            fired[index] = true;
            because[index] = items.clone();
            flags.push(Flag { rule: index, regions: flag_regions, because: items });
        }
        flags
    }
}

fn compile_rule(raw: &RawRule, scope: &Scope) -> Result<Rule, String> {
    if raw.sources.is_empty() || raw.sources.iter().any(|s| s.trim().is_empty()) {
        return Err("a rule needs at least one source".into());
    }
    if raw.title.trim().is_empty() || raw.action.trim().is_empty() {
        return Err("a rule needs a title and an action".into());
    }
    if raw.aftercare.as_deref().is_some_and(|line| line.trim().is_empty()) {
        return Err("an aftercare line, when given, may not be empty".into());
    }
    if raw.examples.fires.is_empty() || raw.examples.near_misses.is_empty() {
        return Err("a rule needs at least one example that fires and one near miss".into());
    }
    let when = scope.compile(&raw.when).map_err(|e| format!("when: {e}"))?;
    let because_also = raw
        .because_also
        .iter()
        .map(|c| scope.compile(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("because_also: {e}"))?;
    let (regions, regions_text) = match &raw.regions {
        None => (RegionSource::None, None),
        Some(RawRegions { from: Some(item), and_distal, fixed: None }) => {
            let id = scope.questionnaire.id(item).ok_or_else(|| format!("regions: unknown item {item}"))?;
            if scope.questionnaire.item(id).kind != ItemType::Regions {
                return Err(format!("regions: item {item} is not a regions item"));
            }
            let text = if *and_distal {
                format!("the regions of {item} and every region distal to them")
            } else {
                format!("the regions of {item}")
            };
            (RegionSource::From { item: id, and_distal: *and_distal }, Some(text))
        }
        Some(RawRegions { from: None, and_distal: false, fixed: Some(codes) }) => {
            let ids = codes
                .iter()
                .map(|c| scope.regions.id(c).ok_or_else(|| format!("regions: unknown region {c}")))
                .collect::<Result<Vec<_>, _>>()?;
            (RegionSource::Fixed(ids), Some(codes.join(", ")))
        }
        Some(_) => {
            return Err(
                "regions: give either {\"from\": ITEM} (optionally with and_distal) or {\"fixed\": [...]}".into()
            );
        }
    };
    Ok(Rule {
        id: raw.id.clone(),
        kind: raw.kind,
        massage: raw.massage,
        referral: raw.referral,
        restricts_pressure: raw.restricts_pressure,
        title: raw.title.clone(),
        action: raw.action.clone(),
        detail: raw.detail.clone(),
        aftercare: raw.aftercare.clone(),
        sources: raw.sources.clone(),
        trigger: raw.when.describe(),
        trigger_in_full: raw.when.describe_in_full(scope.definitions),
        regions_text,
        examples: raw.examples.clone(),
        when,
        regions,
        because_also,
    })
}

/// A stable order in which every rule comes after the rules it names (file order otherwise).
fn dependency_order(rules: &[Rule]) -> Result<Vec<usize>, String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(i: usize, rules: &[Rule], marks: &mut [Mark], order: &mut Vec<usize>) -> Result<(), String> {
        match marks[i] {
            Mark::Done => return Ok(()),
            Mark::Open => return Err(format!("rule {} depends on itself through `fired`", rules[i].id)),
            Mark::New => {}
        }
        marks[i] = Mark::Open;
        let mut named = Vec::new();
        rules[i].when.rules_named(&mut named);
        rules[i].because_also.iter().for_each(|c| c.rules_named(&mut named));
        for dependency in named {
            visit(dependency, rules, marks, order)?;
        }
        marks[i] = Mark::Done;
        order.push(i);
        Ok(())
    }
    let mut marks = vec![Mark::New; rules.len()];
    let mut order = Vec::with_capacity(rules.len());
    for i in 0..rules.len() {
        visit(i, rules, &mut marks, &mut order)?;
    }
    Ok(order)
}

/// Put rules in `order`, renumbering every `fired` reference to match.
fn reorder(rules: Vec<Rule>, order: &[usize]) -> Vec<Rule> {
    let mut new_index = vec![0; rules.len()];
    for (new, old) in order.iter().enumerate() {
        new_index[*old] = new;
    }
    let mut slots: Vec<Option<Rule>> = rules.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|old| slots[*old].take())
        .map(|mut rule| {
            renumber(&mut rule.when, &new_index);
            rule.because_also.iter_mut().for_each(|c| renumber(c, &new_index));
            rule
        })
        .collect()
}

fn renumber(condition: &mut Condition, new_index: &[usize]) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => parts.iter_mut().for_each(|p| renumber(p, new_index)),
        Condition::Not(inner) => renumber(inner, new_index),
        Condition::Fired(rule) => *rule = new_index[*rule],
        _ => {}
    }
}

/// FNV-1a over the rule files, so records can tell rulebooks apart even when a clinic edits a
/// rule and forgets to bump the version.
fn fingerprint(rulebook_json: &str, files: &[RuleSource]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(rulebook_json.as_bytes());
    for file in files {
        feed(file.name.as_bytes());
        feed(file.text.as_bytes());
    }
    format!("{:08x}", hash >> 32)
}

//! The intake questionnaire (assets/questionnaire.json): sections, items, types and options.

use serde::Deserialize;
use std::collections::HashMap;

/// Index of an item in [`Questionnaire::items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId(pub u16);

impl ItemId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    Bool,
    Text,
    Int,
    Date,
    Choice,
    Multi,
    Regions,
}

impl ItemType {
    /// What an answer of this type looks like, in words for an error message.
    pub fn expected(self) -> &'static str {
        match self {
            ItemType::Bool => "true or false",
            ItemType::Text => "text",
            ItemType::Int => "a whole number",
            ItemType::Date => "a date written YYYY-MM-DD",
            ItemType::Choice => "one option code",
            ItemType::Multi => "a list of option codes",
            ItemType::Regions => "a list of body region codes",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ItemType,
    pub text: String,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub multiline: bool,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
    #[serde(default)]
    pub not_after_visit: bool,
    /// Kept as raw JSON here: the condition language belongs to `rules`, which compiles it.
    #[serde(default)]
    pub show_when: Option<serde_json::Value>,
    /// Standard codes for the item (LOINC, SNOMED CT) where one exists, for the FHIR exports.
    #[serde(default)]
    pub codes: Vec<StandardCode>,
}

/// A code of an outside terminology: `{"system": "http://loinc.org", "code": "72514-3", "display": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardCode {
    pub system: String,
    pub code: String,
    pub display: String,
}

impl Item {
    pub fn option_index(&self, code: &str) -> Option<u16> {
        self.options.iter().position(|o| o.code == code).map(|i| i as u16)
    }

    pub fn option_code(&self, index: u16) -> &str {
        &self.options[usize::from(index)].code
    }

    pub fn option_label(&self, index: u16) -> &str {
        &self.options[usize::from(index)].label
    }

    pub fn option_codes(&self) -> String {
        self.options.iter().map(|o| o.code.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
    #[serde(skip)]
    pub items: Vec<ItemId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    id: String,
    title: String,
    #[serde(default)]
    intro: String,
    items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionnaireFile {
    id: String,
    version: String,
    title: String,
    sections: Vec<SectionFile>,
}

#[derive(Debug, Clone)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: String,
    pub sections: Vec<Section>,
    items: Vec<Item>,
    section_of: Vec<usize>,
    by_id: HashMap<String, ItemId>,
}

impl Questionnaire {
    pub fn from_json(text: &str) -> Result<Questionnaire, String> {
        let file: QuestionnaireFile = serde_json::from_str(text).map_err(|e| format!("questionnaire.json: {e}"))?;
        let mut items = Vec::new();
        let mut sections = Vec::new();
        let mut section_of = Vec::new();
        let mut by_id = HashMap::new();
        for (section_index, section) in file.sections.into_iter().enumerate() {
            let mut ids = Vec::new();
            for item in section.items {
                let id = ItemId(u16::try_from(items.len()).map_err(|_| "questionnaire.json: too many items")?);
                check_item(&item)?;
                if by_id.insert(item.id.clone(), id).is_some() {
                    return Err(format!("questionnaire.json: item {} is listed twice", item.id));
                }
                ids.push(id);
                items.push(item);
                section_of.push(section_index);
            }
            sections.push(Section { id: section.id, title: section.title, intro: section.intro, items: ids });
        }
        Ok(Questionnaire { id: file.id, version: file.version, title: file.title, sections, items, section_of, by_id })
    }

    pub fn id(&self, item: &str) -> Option<ItemId> {
        self.by_id.get(item).copied()
    }

    pub fn item(&self, id: ItemId) -> &Item {
        &self.items[id.index()]
    }

    pub fn items(&self) -> impl Iterator<Item = (ItemId, &Item)> {
        self.items.iter().enumerate().map(|(i, item)| (ItemId(i as u16), item))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn section_of(&self, id: ItemId) -> &Section {
        &self.sections[self.section_of[id.index()]]
    }

    pub fn section(&self, section_id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == section_id)
    }
}

fn check_item(item: &Item) -> Result<(), String> {
    let at = |problem: &str| format!("questionnaire.json: item {}: {problem}", item.id);
    let has_options = matches!(item.kind, ItemType::Choice | ItemType::Multi);
    if has_options && item.options.is_empty() {
        return Err(at("a choice item needs options"));
    }
    if !has_options && !item.options.is_empty() {
        return Err(at("only choice and multi items have options"));
    }
    let mut codes: Vec<&str> = item.options.iter().map(|o| o.code.as_str()).collect();
    codes.sort_unstable();
    if codes.windows(2).any(|w| w[0] == w[1]) {
        return Err(at("an option code is listed twice"));
    }
    match (item.kind, item.min, item.max) {
        (ItemType::Int, Some(min), Some(max)) if min <= max => {}
        (ItemType::Int, _, _) => return Err(at("a number item needs min <= max")),
        (_, None, None) => {}
        _ => return Err(at("only number items have min and max")),
    }
    if item.not_after_visit && item.kind != ItemType::Date {
        return Err(at("not_after_visit is for date items"));
    }
    Ok(())
}

//! The intake form being filled in: one field per questionnaire item, holding what was typed
//! (never discarded, even when not yet valid), the validated answers, and the live assessment.

use crate::assessment::Assessment;
use crate::content::Content;
use crate::domain::answers::{none_with_others, parse_value};
use crate::domain::{Answers, ItemId, ItemType, Problem, RegionId, Value};
use chrono::NaiveDate;
use ratatui_textarea::TextArea;
use serde_json::{Map, Value as Json};
use tui_input::Input;

/// The editor state of one item.
#[derive(Debug, Clone)]
pub enum Field {
    Bool(Option<bool>),
    Choice {
        value: Option<u16>,
        cursor: u16,
    },
    Multi {
        values: Vec<u16>,
        cursor: u16,
    },
    Regions {
        values: Vec<RegionId>,
        cursor: RegionId,
    },
    /// One-line text, numbers and dates: what was typed, as typed.
    Line(Input),
    Notes(Box<TextArea<'static>>),
}

impl Field {
    fn empty(kind: ItemType, multiline: bool) -> Field {
        match kind {
            ItemType::Bool => Field::Bool(None),
            ItemType::Choice => Field::Choice { value: None, cursor: 0 },
            ItemType::Multi => Field::Multi { values: Vec::new(), cursor: 0 },
            ItemType::Regions => Field::Regions { values: Vec::new(), cursor: RegionId(0) },
            ItemType::Text if multiline => Field::Notes(Box::new(notes_area(Vec::new()))),
            ItemType::Text | ItemType::Int | ItemType::Date => Field::Line(Input::default()),
        }
    }

    /// Whether typed characters go into this field as text.
    pub fn takes_text(&self) -> bool {
        matches!(self, Field::Line(_) | Field::Notes(_))
    }

    /// Whether arrows move within the field rather than between fields.
    pub fn is_list(&self) -> bool {
        matches!(self, Field::Choice { .. } | Field::Multi { .. } | Field::Regions { .. })
    }

    /// The field as answers-file JSON (invalid typed text stays a string, so drafts keep it).
    fn to_json(&self, item: &crate::domain::Item, content: &Content) -> Option<Json> {
        let kind = item.kind;
        match self {
            Field::Bool(b) => b.map(Json::Bool),
            Field::Choice { value, .. } => value.map(|v| Json::String(item.option_code(v).to_owned())),
            Field::Multi { values, .. } if values.is_empty() => None,
            Field::Multi { values, .. } => {
                Some(values.iter().map(|v| Json::String(item.option_code(*v).to_owned())).collect())
            }
            Field::Regions { values, .. } if values.is_empty() => None,
            Field::Regions { values, .. } => {
                Some(values.iter().map(|r| Json::String(content.regions.code(*r).to_owned())).collect())
            }
            Field::Line(input) => {
                let text = input.value();
                if text.trim().is_empty() {
                    return None;
                }
                match kind {
                    ItemType::Int => Some(
                        text.trim().parse::<i64>().map(Json::from).unwrap_or_else(|_| Json::String(text.to_owned())),
                    ),
                    _ => Some(Json::String(text.to_owned())),
                }
            }
            Field::Notes(area) => {
                let text = area.lines().join("\n");
                (!text.trim().is_empty()).then_some(Json::String(text))
            }
        }
    }
}

pub fn notes_area(lines: Vec<String>) -> TextArea<'static> {
    let mut area = if lines.is_empty() { TextArea::default() } else { TextArea::new(lines) };
    area.set_max_histories(50);
    area
}

#[derive(Debug, Clone)]
pub struct Form {
    pub fields: Vec<Field>,
    /// The inline problem of each field, when what was typed is not (yet) a valid answer.
    pub problems: Vec<Option<Problem>>,
    pub answers: Answers,
    pub assessment: Assessment,
    /// The visit date used when `visit.date` is not (validly) answered.
    pub today: NaiveDate,
    pub section: usize,
    /// Index into the visible items of the section.
    pub focus: usize,
}

impl Form {
    pub fn new(content: &Content, today: NaiveDate) -> Form {
        let fields = content.questionnaire.items().map(|(_, item)| Field::empty(item.kind, item.multiline)).collect();
        let answers = Answers::empty(&content.questionnaire, today);
        let assessment = content.evaluate(&answers);
        let mut form = Form {
            fields,
            problems: vec![None; content.questionnaire.len()],
            answers,
            assessment,
            today,
            section: 0,
            focus: 0,
        };
        if let Some(visit) = content.questionnaire.id(crate::known::item::VISIT_DATE) {
            form.fields[visit.index()] = Field::Line(Input::new(today.format("%Y-%m-%d").to_string()));
        }
        form.refresh(content);
        form
    }

    /// A form filled from answers-file JSON (a draft or a record). Values that do not fit an item
    /// are kept as typed text where the field takes text; unknown ids are ignored.
    pub fn from_answers(content: &Content, answers: &Map<String, Json>, today: NaiveDate) -> Form {
        let mut form = Form::new(content, today);
        for (key, json) in answers {
            let Some(id) = content.questionnaire.id(key) else { continue };
            let item = content.questionnaire.item(id);
            let field = &mut form.fields[id.index()];
            match (field, json) {
                (Field::Bool(b), Json::Bool(v)) => *b = Some(*v),
                (Field::Choice { value, cursor }, Json::String(code)) => {
                    if let Some(i) = item.option_index(code) {
                        *value = Some(i);
                        *cursor = i;
                    }
                }
                (Field::Multi { values, .. }, Json::Array(codes)) => {
                    *values = codes.iter().filter_map(|c| item.option_index(c.as_str()?)).collect();
                    values.sort_unstable();
                    values.dedup();
                }
                (Field::Regions { values, .. }, Json::Array(codes)) => {
                    *values = codes.iter().filter_map(|c| content.regions.id(c.as_str()?)).collect();
                    values.sort_unstable();
                    values.dedup();
                }
                (Field::Line(input), Json::String(text)) => *input = Input::new(text.clone()),
                (Field::Line(input), Json::Number(n)) => *input = Input::new(n.to_string()),
                (Field::Notes(area), Json::String(text)) => {
                    **area = notes_area(text.lines().map(str::to_owned).collect());
                }
                _ => {}
            }
        }
        form.refresh(content);
        form
    }

    /// Rebuild the answers from every field, validate each, and re-evaluate. Cross-field checks
    /// (a history date after a changed visit date) come for free; it takes microseconds.
    pub fn refresh(&mut self, content: &Content) {
        let questionnaire = &content.questionnaire;
        let visit_item = questionnaire.id(crate::known::item::VISIT_DATE);
        let visit_date = visit_item
            .and_then(|id| match &self.fields[id.index()] {
                Field::Line(input) => crate::domain::dates::parse_iso_date(input.value().trim()),
                _ => None,
            })
            .unwrap_or(self.today);
        let mut answers = Answers::empty(questionnaire, visit_date);
        for (id, item) in questionnaire.items() {
            let field = &self.fields[id.index()];
            let value = match field {
                Field::Choice { value, .. } => value.map(Value::Choice).map(Ok),
                // `none` is exclusive (CHANGES-v2 item 3), as in answer parsing: a record saved
                // with both could not be read back.
                Field::Multi { values, .. } => (!values.is_empty()).then(|| {
                    if none_with_others(item, values) {
                        Err(Problem::NoneWithOthers)
                    } else {
                        Ok(Value::Multi(values.clone()))
                    }
                }),
                _ => field.to_json(item, content).map(|json| {
                    let json = match (&json, item.kind) {
                        (Json::String(s), ItemType::Date) => Json::String(s.trim().to_owned()),
                        _ => json,
                    };
                    parse_value(questionnaire, &content.regions, id, &json, visit_date)
                }),
            };
            self.problems[id.index()] = None;
            match value {
                Some(Ok(value)) => answers.set(id, Some(value)),
                Some(Err(problem)) => self.problems[id.index()] = Some(problem),
                None => {}
            }
        }
        self.answers = answers;
        self.assessment = content.evaluate(&self.answers);
    }

    /// The form as a draft's answers: valid answers as values, invalid typed text as typed.
    pub fn draft_answers(&self, content: &Content) -> Map<String, Json> {
        let mut map = self.answers.to_json(&content.questionnaire, &content.regions);
        for (id, item) in content.questionnaire.items() {
            if self.problems[id.index()].is_some()
                && let Some(json) = self.fields[id.index()].to_json(item, content)
            {
                map.insert(item.id.clone(), json);
            }
        }
        map
    }

    /// Items of the current section that are shown for the current answers.
    pub fn visible_items(&self, content: &Content) -> Vec<ItemId> {
        visible_in(content, &self.answers, self.section)
    }

    pub fn focused_item(&self, content: &Content) -> Option<ItemId> {
        self.visible_items(content).get(self.focus).copied()
    }

    pub fn focused_field(&self, content: &Content) -> Option<&Field> {
        self.focused_item(content).map(|id| &self.fields[id.index()])
    }

    /// Keep the focus on a visible item after answers change what is shown.
    pub fn clamp_focus(&mut self, content: &Content) {
        let count = self.visible_items(content).len();
        self.focus = self.focus.min(count.saturating_sub(1));
    }

    pub fn problem_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_some()).count()
    }
}

pub fn visible_in(content: &Content, answers: &Answers, section: usize) -> Vec<ItemId> {
    content
        .questionnaire
        .sections
        .get(section)
        .map(|s| s.items.iter().copied().filter(|id| content.is_shown(*id, answers)).collect())
        .unwrap_or_default()
}

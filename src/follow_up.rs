//! A follow-up visit: which answers carry over from the last visit for review, which are asked
//! again, and which changes since then are clinically meaningful. Pure: answers in, answers out.
//!
//! CMTO Standard 6 asks for the health history to be updated at every visit, so the whole safety
//! screen and the red flags start empty again, as do consent and the measures of today (pain now,
//! PSFS scores, examination, the clinician's decision). The story (complaint, history, goals, PSFS
//! activities) carries over for the clinician to review with the patient. What is asked again is
//! data: assets/follow_up.json ([`crate::content::FollowUpPolicy`]), checked at load.

use crate::content::Content;
use crate::known::{item, option};
use chrono::NaiveDate;
use serde_json::{Map, Value as Json};

/// A change of this many NPRS points between visits is clinically meaningful (Canadian
/// Physiotherapy Association, Pain Science Division; INTAKE.md).
pub const NPRS_MEANINGFUL_CHANGE: f64 = 2.0;
/// PSFS minimum detectable change, 90% CI: the mean of the activities, and one activity
/// (Stratford et al. 1995, Physiother Can 47:258-263).
pub const PSFS_MEAN_MDC: f64 = 2.0;
pub const PSFS_ACTIVITY_MDC: f64 = 3.0;

/// The answers a follow-up visit starts with: the last visit's, minus everything asked again,
/// with today's visit date and the visit type `follow_up`.
pub fn carried_answers(content: &Content, previous: &Map<String, Json>, today: NaiveDate) -> Map<String, Json> {
    let questionnaire = &content.questionnaire;
    let asked_again =
        |id: &str| questionnaire.id(id).is_some_and(|item| content.follow_up.asks_again(questionnaire, item));
    let mut answers: Map<String, Json> =
        previous.iter().filter(|(id, _)| !asked_again(id)).map(|(id, value)| (id.clone(), value.clone())).collect();
    answers.insert(item::VISIT_DATE.into(), Json::String(today.format("%Y-%m-%d").to_string()));
    answers.insert(item::VISIT_TYPE.into(), Json::String(option::FOLLOW_UP.into()));
    answers
}

/// One measure compared with the last visit.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureChange {
    /// What is measured, in words ("Pain now (NPRS)", "PSFS: climbing stairs", "PSFS mean").
    pub label: String,
    /// The item it comes from (None for the PSFS mean).
    pub item: Option<&'static str>,
    pub before: f64,
    /// None until it is measured again today.
    pub now: Option<f64>,
    /// The change needed to count (NPRS: 2 points; PSFS mean 2, one activity 3).
    pub threshold: f64,
}

impl MeasureChange {
    pub fn delta(&self) -> Option<f64> {
        self.now.map(|now| now - self.before)
    }

    /// At least the meaningful (NPRS) or minimum detectable (PSFS) change.
    pub fn is_meaningful(&self) -> bool {
        self.delta().is_some_and(|d| d.abs() + 1e-9 >= self.threshold)
    }

    /// Better for the patient: less pain, or more function.
    pub fn is_better(&self) -> bool {
        let delta = self.delta().unwrap_or(0.0);
        if self.item.is_some_and(|i| item::PAIN_RATINGS.contains(&i)) { delta < 0.0 } else { delta > 0.0 }
    }

    /// "6 → 3 (−3, meaningful)", "6 → 5 (−1, under 2: not meaningful)", or "6 (not measured yet)".
    pub fn describe(&self) -> String {
        let number = |x: f64| if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") };
        match (self.now, self.delta()) {
            (Some(now), Some(delta)) => {
                let sign = if delta > 0.0 {
                    "+"
                } else if delta < 0.0 {
                    "−"
                } else {
                    "±"
                };
                let verdict = if self.is_meaningful() {
                    "meaningful".to_owned()
                } else {
                    format!("under {}: not meaningful", number(self.threshold))
                };
                format!("{} → {} ({sign}{}, {verdict})", number(self.before), number(now), number(delta.abs()))
            }
            _ => format!("{} (not measured yet)", number(self.before)),
        }
    }
}

const NPRS_ITEMS: &[(&str, &str)] = &[
    (item::PAIN_NOW, "Pain now (NPRS)"),
    (item::PAIN_WORST_24H, "Worst pain, 24 h"),
    (item::PAIN_BEST_24H, "Least pain, 24 h"),
];

fn number(answers: &Map<String, Json>, id: &str) -> Option<f64> {
    answers.get(id).and_then(Json::as_f64)
}

/// The pain and function measures of the last visit, each with today's value once answered.
/// A PSFS activity is compared only when it is the same activity as last time.
pub fn measure_changes(previous: &Map<String, Json>, now: &Map<String, Json>) -> Vec<MeasureChange> {
    let mut changes = Vec::new();
    for (item, label) in NPRS_ITEMS {
        if let Some(before) = number(previous, item) {
            changes.push(MeasureChange {
                label: (*label).to_owned(),
                item: Some(item),
                before,
                now: number(now, item),
                threshold: NPRS_MEANINGFUL_CHANGE,
            });
        }
    }
    let (mut before_scores, mut now_scores) = (Vec::new(), Vec::new());
    for (activity, score) in &item::PSFS {
        let Some(before) = number(previous, score) else { continue };
        let same_activity = previous.get(*activity) == now.get(*activity);
        let today = number(now, score).filter(|_| same_activity);
        let name = previous.get(*activity).and_then(Json::as_str).unwrap_or("activity");
        changes.push(MeasureChange {
            label: format!("PSFS: {name}"),
            item: Some(score),
            before,
            now: today,
            threshold: PSFS_ACTIVITY_MDC,
        });
        before_scores.push(before);
        if let Some(today) = today {
            now_scores.push(today);
        }
    }
    if !before_scores.is_empty() {
        let mean = |scores: &[f64]| scores.iter().sum::<f64>() / scores.len() as f64;
        changes.push(MeasureChange {
            label: "PSFS mean".into(),
            item: None,
            before: mean(&before_scores),
            // The mean is compared only when every activity was scored again.
            now: (now_scores.len() == before_scores.len()).then(|| mean(&now_scores)),
            threshold: PSFS_MEAN_MDC,
        });
    }
    changes
}

/// Whether an item's answer differs from the last visit (for the "changed" mark in the form).
pub fn differs(previous: &Map<String, Json>, now: &Map<String, Json>, item: &str) -> bool {
    previous.get(item) != now.get(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Json) -> Map<String, Json> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_safety_screen_consent_and_todays_measures_are_asked_again_the_story_carries_over() {
        let content = Content::embedded().unwrap();
        let previous = map(json!({
            "patient.name": "A", "visit.date": "2026-10-01", "visit.type": "initial", "visit.consent": true,
            "complaint.condition": "low_back_pain", "screen.open_wound": true, "screen.open_wound.regions": ["lower_leg_r"],
            "redflag.weight_loss": false, "pain.now": 6, "pain.quality": ["aching"], "psfs.1.activity": "stairs",
            "psfs.1.score": 3, "exam.rom": "limited", "decision.outcome": "as_recommended"
        }));
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let carried = carried_answers(content, &previous, today);
        assert_eq!(
            carried,
            map(json!({
                "patient.name": "A", "visit.date": "2026-11-22", "visit.type": "follow_up",
                "complaint.condition": "low_back_pain", "pain.quality": ["aching"], "psfs.1.activity": "stairs"
            }))
        );
    }

    #[test]
    fn nprs_change_of_two_points_is_meaningful_one_is_not() {
        let previous = map(json!({"pain.now": 6}));
        let two = measure_changes(&previous, &map(json!({"pain.now": 4})));
        assert!(two[0].is_meaningful() && two[0].is_better());
        assert_eq!(two[0].describe(), "6 → 4 (−2, meaningful)");
        let one = measure_changes(&previous, &map(json!({"pain.now": 7})));
        assert!(!one[0].is_meaningful() && !one[0].is_better());
        assert_eq!(one[0].describe(), "6 → 7 (+1, under 2: not meaningful)");
        let unmeasured = measure_changes(&previous, &map(json!({})));
        assert_eq!(unmeasured[0].describe(), "6 (not measured yet)");
    }

    #[test]
    fn psfs_activity_needs_three_points_and_the_mean_two_same_activity_only() {
        let previous =
            map(json!({"psfs.1.activity": "stairs", "psfs.1.score": 3, "psfs.2.activity": "run", "psfs.2.score": 4}));
        let now =
            map(json!({"psfs.1.activity": "stairs", "psfs.1.score": 5, "psfs.2.activity": "run", "psfs.2.score": 6}));
        let changes = measure_changes(&previous, &now);
        assert_eq!(changes.len(), 3);
        assert!(!changes[0].is_meaningful(), "+2 on one activity is within its MDC of 3");
        assert!(changes[2].is_meaningful(), "the mean rose by 2: its MDC");
        assert!(changes[2].is_better());
        let other_activity = map(json!({"psfs.1.activity": "golf", "psfs.1.score": 9}));
        let changes = measure_changes(&previous, &other_activity);
        assert_eq!(changes[0].now, None, "a different activity is not compared");
        assert_eq!(changes[2].now, None, "the mean waits for every activity");
    }
}

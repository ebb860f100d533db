//! The record as a chart note a clinician pastes into a clinic's record, in the order a clinician
//! writes one (SOAP): the header (patient, date of birth and age, visit, clinician, the visit it
//! follows), the change since that visit, Subjective (complaint, history, symptoms, the positives
//! of the screen, goals; the negatives summarised in one line), Objective (examination), Assessment
//! (the clinician's impression, the tool's verdict, the flags with what to do and where, in plain
//! words), Plan (the clinician's decision, the tool's plan, today's treatment, home programme and
//! next visit), amendments, who recorded it and when; then an appendix with the rule ids, the
//! sources and every question answered "no". [`plain_text`] gives the same note without Markdown.
//!
//! Every answered item appears exactly once, so a reader of the chart sees everything the intake
//! recorded; new questionnaire sections land in Subjective by default.

use super::{answers_of, visible};
use crate::content::Content;
use crate::domain::{Answers, Item, ItemId, Section, Value};
use crate::known;
use crate::record::Record;
use crate::report::{FlagReport, MassageVerdict, ReferralVerdict};
use crate::words::{referral_badge, status_words, tier_badge};

/// Sections with a place of their own; every other section is part of Subjective.
const PATIENT_SECTION: &str = known::section::PATIENT;
const EXAM_SECTION: &str = known::section::EXAMINATION;
const DECISION_SECTION: &str = known::section::DECISION;
/// Ticked yellow flags read best as one line with the level of concern.
const YELLOW_SECTION: &str = known::section::YELLOW_FLAGS;
/// The clinician's impression, asked in the decision section, opens the Assessment.
const IMPRESSION: &str = known::item::DECISION_IMPRESSION;
/// Asked during the safety screen, but an examination finding: shown under Objective.
const BP_SYSTOLIC: &str = known::item::BP_SYSTOLIC;
const BP_DIASTOLIC: &str = known::item::BP_DIASTOLIC;
/// The three NPRS ratings, shown together on one line, with the word used for each.
const PAIN_RATINGS: [(&str, &str); 3] = [
    (known::item::PAIN_NOW, "now"),
    (known::item::PAIN_WORST_24H, "worst in 24 h"),
    (known::item::PAIN_BEST_24H, "best in 24 h"),
];
/// PSFS activities with their scores, shown together with the mean.
const PSFS: [(&str, &str); 3] = [
    (known::item::PSFS_1_ACTIVITY, known::item::PSFS_1_SCORE),
    (known::item::PSFS_2_ACTIVITY, known::item::PSFS_2_SCORE),
    (known::item::PSFS_3_ACTIVITY, known::item::PSFS_3_SCORE),
];

/// The record as a Markdown note (see the module documentation for its layout), for a record
/// that follows no other visit or whose previous visit is not at hand.
pub fn markdown(content: &Content, record: &Record) -> String {
    note(content, record, None)
}

/// The note of a visit, with the visit it follows when there is one: the change of each measure
/// since then, and the answers carried over from it marked as such.
pub fn note(content: &Content, record: &Record, previous: Option<&Record>) -> String {
    let answers = answers_of(content, record);
    let carried = carried_over(content, record, previous);
    let view = View { content, record, answers, previous, carried };
    let mut out = Out { text: String::new(), written: vec![false; content.questionnaire.len()], negatives: Vec::new() };
    header(&view, &mut out);
    change_since(&view, &mut out);
    subjective(&view, &mut out);
    objective(&view, &mut out);
    assessment(&view, &mut out);
    plan(&view, &mut out);
    amendments(&view, &mut out);
    signature(&view, &mut out);
    appendix(&view, &mut out);
    // One newline at the end, however the last block ended.
    let trimmed = out.text.trim_end().len();
    out.text.truncate(trimmed);
    out.text.push('\n');
    out.text
}

/// What the summary is made from (read-only).
struct View<'a> {
    content: &'a Content,
    record: &'a Record,
    answers: Answers,
    /// The visit this one follows, when at hand.
    previous: Option<&'a Record>,
    /// Per item: the answer is the previous visit's, carried over for review (not asked today).
    carried: Vec<bool>,
}

/// The summary being written, and which items it already holds (so each appears once).
struct Out {
    text: String,
    written: Vec<bool>,
    /// The labels answered "no", by section title: one line in the note, listed in the appendix.
    negatives: Vec<(String, Vec<String>)>,
}

impl Out {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// A heading or paragraph, with the blank line Markdown needs after it.
    fn block(&mut self, block: &str) {
        self.line(block);
        self.text.push('\n');
    }

    /// A list, with the blank line Markdown needs after it; nothing at all for an empty list.
    fn list(&mut self, bullets: &[String]) {
        if bullets.is_empty() {
            return;
        }
        for bullet in bullets {
            self.line(bullet);
        }
        self.text.push('\n');
    }

    fn mark(&mut self, id: ItemId) {
        self.written[id.index()] = true;
    }

    fn is_written(&self, id: ItemId) -> bool {
        self.written[id.index()]
    }
}

impl View<'_> {
    fn item(&self, id: ItemId) -> &Item {
        self.content.questionnaire.item(id)
    }

    /// The visible answer to the item with this id (none for an id the questionnaire lacks).
    fn answer(&self, item_id: &str) -> Option<(ItemId, &Value)> {
        let id = self.content.questionnaire.id(item_id)?;
        Some((id, visible(self.content, &self.answers, id)?))
    }

    /// An answer in words: option and region labels rather than codes, units after numbers.
    fn words(&self, id: ItemId, value: &Value) -> String {
        crate::words::answer_words(self.content, id, value)
    }

    /// `- **Label:** answer` for one item, with the stage after the onset date.
    fn item_bullet(&self, id: ItemId, value: &Value) -> String {
        let item = self.item(id);
        let mut words = self.words(id, value);
        if item.id == known::item::COMPLAINT_ONSET_DATE
            && let Some(stage) = self.record.result.scores.stage
        {
            words = format!("{words} (stage: {})", stage.code());
        }
        if self.carried[id.index()]
            && let Some(previous) = self.previous
        {
            let date = previous.visit_date().unwrap_or("the last visit");
            words = format!("{words} (carried over from {date})");
        }
        bullet(0, &item.label, &words)
    }

    /// Labels of item ids as the rules name them (an id the questionnaire lacks stays as it is).
    fn item_labels(&self, item_ids: &[String]) -> Vec<String> {
        item_ids
            .iter()
            .map(|item_id| {
                self.content.questionnaire.id(item_id).map_or(item_id.clone(), |id| self.item(id).label.clone())
            })
            .collect()
    }

    /// Region labels in body order. A code this content does not know is shown as it is, after
    /// the others: an area to avoid is never dropped from a summary.
    fn region_labels(&self, codes: &[String]) -> Vec<String> {
        let regions = &self.content.regions;
        let mut known: Vec<_> = codes.iter().filter_map(|code| regions.id(code)).collect();
        known.sort_unstable();
        known.dedup();
        let unknown = codes.iter().filter(|code| regions.id(code).is_none()).cloned();
        known.iter().map(|id| regions.label(*id).to_owned()).chain(unknown).collect()
    }

    fn sections(&self) -> impl Iterator<Item = &Section> {
        self.content.questionnaire.sections.iter()
    }
}

/// A bullet at a nesting depth, bold label first. Continuation lines of multi-line text are
/// indented so they stay inside the bullet.
fn bullet(depth: usize, label: &str, text: &str) -> String {
    let indent = "  ".repeat(depth);
    let body = continued(text, indent.len() + 2);
    if label.is_empty() { format!("{indent}- {body}") } else { format!("{indent}- **{label}:** {body}") }
}

/// Free text with every line after the first indented by `indent` spaces (blank lines stay
/// empty, which keeps them inside a Markdown list item).
fn continued(text: &str, indent: usize) -> String {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let pad = " ".repeat(indent);
    let mut lines = normalised.trim_end().lines();
    let mut out = lines.next().unwrap_or_default().to_owned();
    for line in lines {
        out.push('\n');
        if !line.trim().is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// Text for a heading or a one-line field: line breaks become spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header(view: &View, out: &mut Out) {
    let questionnaire = &view.content.questionnaire;
    let name = view.answer(known::item::PATIENT_NAME);
    match name {
        Some((id, Value::Text(name))) => {
            out.block(&format!("# {}: {}", one_line(&questionnaire.title), one_line(name)));
            out.mark(id);
        }
        _ => out.block(&format!("# {}: patient name not recorded", one_line(&questionnaire.title))),
    }
    // What matters first: the verdict, each emergency or urgent referral with its
    // acknowledgement, any override with who and why, and any doubt about the stored result.
    let record = view.record;
    let mut first: Vec<String> = crate::gate::headline_in(view.content, &record.result, &record.attestations)
        .iter()
        .map(|l| format!("- **{}**", one_line(l)))
        .collect();
    if let Some(words) = record.recheck(view.content).as_ref().and_then(crate::gate::Recheck::words) {
        first.push(format!("- **{}**", one_line(&words)));
    }
    out.list(&first);
    let mut lines = Vec::new();
    let scores = &view.record.result.scores;
    match view.answer(known::item::PATIENT_DOB) {
        Some((id, value)) => {
            let age = scores.age.map(|age| format!(" (age {age} at the visit)")).unwrap_or_default();
            lines.push(bullet(0, &view.item(id).label, &format!("{}{age}", view.words(id, value))));
            out.mark(id);
        }
        None => lines.push(bullet(0, "Date of birth", "Not recorded")),
    }
    // Records always hold the visit date; the evaluated result has it too, should it be missing.
    let visit_type = view.answer(known::item::VISIT_TYPE).map(|(id, value)| {
        out.mark(id);
        format!(" ({})", view.words(id, value))
    });
    let visit_date = match view.answer(known::item::VISIT_DATE) {
        Some((id, value)) => {
            out.mark(id);
            view.words(id, value)
        }
        None => view.record.result.visit_date.clone(),
    };
    lines.push(bullet(0, "Visit date", &format!("{visit_date}{}", visit_type.unwrap_or_default())));
    if let Some(follows) = &view.record.follow_up_of {
        let words = match view.previous {
            Some(previous) => {
                format!("the visit of {} (record {follows})", previous.visit_date().unwrap_or("an unknown date"))
            }
            None => format!("record {follows}"),
        };
        lines.push(bullet(0, "Follows", &words));
    }
    match view.answer(known::item::VISIT_CLINICIAN) {
        Some((id, value)) => {
            lines.push(bullet(0, "Clinician", &one_line(&view.words(id, value))));
            out.mark(id);
        }
        None => lines.push(bullet(0, "Clinician", "Not recorded")),
    }
    // The rest of the patient section (sex, referral source, consent, and any item added later),
    // each on its own line: a "No" to consent must be as visible as a "Yes".
    if let Some(section) = view.sections().find(|s| s.id == PATIENT_SECTION) {
        for &id in &section.items {
            if out.is_written(id) {
                continue;
            }
            if let Some(value) = visible(view.content, &view.answers, id) {
                lines.push(view.item_bullet(id, value));
                out.mark(id);
            }
        }
    }
    let record = view.record;
    lines.push(bullet(
        0,
        "Record",
        &format!("{} · {} · revision {}", record.id, status_words(record.status), record.revision),
    ));
    out.list(&lines);
}

fn subjective(view: &View, out: &mut Out) {
    out.block("## Subjective");
    let before = out.text.len();
    for section in view.sections() {
        if ![PATIENT_SECTION, EXAM_SECTION, DECISION_SECTION].contains(&section.id.as_str()) {
            subjective_section(view, out, section);
        }
    }
    if out.text.len() == before {
        out.block("Nothing recorded.");
    }
}

/// One questionnaire section under its own title. Items answered "no" are gathered on one line
/// (the screen records that they were asked without a line each); every other answer gets its
/// own line.
fn subjective_section(view: &View, out: &mut Out, section: &Section) {
    let mut lines = Vec::new();
    let mut answered_no = Vec::new();
    let mut present = Vec::new();
    for &id in &section.items {
        let item = view.item(id);
        if out.is_written(id) || item.id == BP_SYSTOLIC || item.id == BP_DIASTOLIC {
            continue;
        }
        let Some(value) = visible(view.content, &view.answers, id) else { continue };
        if PAIN_RATINGS.iter().any(|(pain_id, _)| *pain_id == item.id) {
            lines.push(pain_line(view, out));
        } else if PSFS.iter().any(|(activity, score)| *activity == item.id || *score == item.id) {
            lines.extend(psfs_lines(view, out));
        } else if is_negative(item, value) {
            answered_no.push(item.label.clone());
            out.mark(id);
        } else if section.id == YELLOW_SECTION && *value == Value::Bool(true) {
            present.push(item.label.clone());
            out.mark(id);
        } else {
            lines.push(view.item_bullet(id, value));
            out.mark(id);
        }
    }
    let unanswered_yellow = yellow_not_asked(view, section);
    if section.id == YELLOW_SECTION && !(present.is_empty() && answered_no.is_empty()) {
        let count = present.len();
        let ticked = if present.is_empty() { "none".to_owned() } else { present.join("; ") };
        let label = if unanswered_yellow == 0 {
            format!("Present ({count}, {} concern)", yellow_concern(count))
        } else {
            format!("Present ({count} ticked; concern not assessed: {unanswered_yellow} not asked)")
        };
        lines.insert(0, bullet(0, &label, &ticked));
    }
    if !answered_no.is_empty() {
        // The negatives matter to whoever reads the record later, but they bury the positives:
        // one line here, the list in the appendix.
        let count = answered_no.len();
        let items = if count == 1 { "item" } else { "items" };
        lines.push(bullet(0, "Screened negative", &format!("{count} {items} (listed in the appendix)")));
        out.negatives.push((one_line(&section.title), answered_no));
    }
    // Unanswered is not "no": every shown screening question without an answer is listed.
    if crate::gate::SCREENING_SECTIONS.contains(&section.id.as_str()) {
        let not_asked: Vec<String> = section
            .items
            .iter()
            .filter(|id| view.content.is_shown(**id, &view.answers) && view.answers.get(**id).is_none())
            .map(|id| {
                let item = view.item(*id);
                // "Label", or "Label (the reason)" when one was recorded.
                match view.record.attestations.not_asked.get(&item.id) {
                    Some(mark) => format!("{} ({})", item.label, mark.reason_words()),
                    None => item.label.clone(),
                }
            })
            .collect();
        if !not_asked.is_empty() {
            lines.push(bullet(0, &format!("Not asked ({})", not_asked.len()), &not_asked.join("; ")));
        }
    }
    if lines.is_empty() {
        return;
    }
    out.block(&format!("### {}", one_line(&section.title)));
    out.list(&lines);
}

/// A screening answer that found nothing: "no", or the option `none` ("None of these", "No
/// swelling") of a choice or tick-list.
fn is_negative(item: &Item, value: &Value) -> bool {
    match value {
        Value::Bool(false) => true,
        Value::Choice(option) => item.option_code(*option) == known::option::NONE,
        Value::Multi(options) => options.len() == 1 && item.option_code(options[0]) == known::option::NONE,
        _ => false,
    }
}

/// Yellow-flag items of this section with no answer (0 for any other section).
fn yellow_not_asked(view: &View, section: &Section) -> usize {
    if section.id != YELLOW_SECTION {
        return 0;
    }
    section
        .items
        .iter()
        .filter(|id| view.item(**id).kind == crate::domain::ItemType::Bool && view.answers.get(**id).is_none())
        .count()
}

/// INTAKE.md: 0-1 ticked is low, 2-3 moderate, 4 or more high concern.
fn yellow_concern(count: usize) -> &'static str {
    match count {
        0..=1 => "low",
        2..=3 => "moderate",
        _ => "high",
    }
}

/// The NPRS ratings on one line, with the severity of the pain now.
fn pain_line(view: &View, out: &mut Out) -> String {
    let mut parts = Vec::new();
    for (item_id, word) in PAIN_RATINGS {
        let Some((id, Value::Int(score))) = view.answer(item_id) else { continue };
        let max = view.item(id).max.unwrap_or(10);
        let mut part = format!("{word} {score}/{max}");
        if item_id == known::item::PAIN_NOW
            && let Some(severity) = view.record.result.scores.nprs_severity
        {
            part.push_str(&format!(" ({})", severity.code()));
        }
        parts.push(part);
        out.mark(id);
    }
    bullet(0, "Pain (NPRS)", &parts.join(" · "))
}

/// The PSFS activities with their scores under one bullet that gives the mean.
fn psfs_lines(view: &View, out: &mut Out) -> Vec<String> {
    let mut activities = Vec::new();
    for (activity_id, score_id) in PSFS {
        let activity = view.answer(activity_id);
        let score = view.answer(score_id);
        let score_words = match score {
            Some((id, Value::Int(score))) => format!("{score}/{}", view.item(id).max.unwrap_or(10)),
            _ => "not scored".to_owned(),
        };
        match activity {
            Some((_, Value::Text(activity))) => activities.push(bullet(1, "", &format!("{activity}: {score_words}"))),
            // A score is shown only once its activity is named, so this is a score on its own.
            _ if score.is_some() => activities.push(bullet(1, "", &format!("(activity not named): {score_words}"))),
            _ => {}
        }
        for (id, _) in activity.iter().chain(score.iter()) {
            out.mark(*id);
        }
    }
    let mean = match view.record.result.scores.psfs_mean {
        Some(mean) => format!("mean {mean} (0 unable, 10 as before the problem)"),
        None => "no activity scored".to_owned(),
    };
    let mut lines = vec![bullet(0, "Patient-Specific Functional Scale", &mean)];
    lines.extend(activities);
    lines
}

fn objective(view: &View, out: &mut Out) {
    out.block("## Objective");
    let mut lines = Vec::new();
    if let Some(section) = view.sections().find(|s| s.id == EXAM_SECTION) {
        for &id in &section.items {
            if let Some(value) = visible(view.content, &view.answers, id) {
                lines.push(view.item_bullet(id, value));
                out.mark(id);
            }
        }
    }
    if lines.is_empty() {
        out.block("Not examined at this visit.");
    }
    match (view.answer(BP_SYSTOLIC), view.answer(BP_DIASTOLIC)) {
        (Some((systolic_id, Value::Int(systolic))), Some((diastolic_id, Value::Int(diastolic)))) => {
            let unit = view.item(systolic_id).unit.as_deref().unwrap_or("mmHg");
            lines.push(bullet(0, "Blood pressure (resting)", &format!("{systolic}/{diastolic} {unit}")));
            out.mark(systolic_id);
            out.mark(diastolic_id);
        }
        (systolic, diastolic) => {
            for (id, value) in systolic.into_iter().chain(diastolic) {
                lines.push(view.item_bullet(id, value));
                out.mark(id);
            }
        }
    }
    out.list(&lines);
}

/// "EMERGENCY: same-day emergency care, now", or "None needed".
fn referral_verdict_words(referral: ReferralVerdict) -> String {
    let (head, meaning) = crate::words::referral_verdict(referral);
    match referral {
        ReferralVerdict::NotNeeded => "None needed".to_owned(),
        _ => format!("{head}: {meaning}"),
    }
}

fn assessment(view: &View, out: &mut Out) {
    let result = &view.record.result;
    out.block("## Assessment");
    let mut impression = Vec::new();
    if let Some((id, value)) = view.answer(IMPRESSION) {
        impression.push(bullet(0, "Clinical impression", &view.words(id, value)));
        out.mark(id);
    } else {
        impression.push(bullet(0, "Clinical impression", "Not recorded"));
    }
    out.list(&impression);
    let (badge, words) = crate::words::massage_verdict(result.verdict.massage);
    let scores = &result.scores;
    let mut derived = Vec::new();
    if let Some(severity) = scores.nprs_severity {
        derived.push(format!("pain now {}", severity.code()));
    }
    if let Some(stage) = scores.stage {
        derived.push(format!("stage {}", stage.code()));
    }
    if let Some(age) = scores.age {
        derived.push(format!("age {age}"));
    }
    match scores.psfs_mean {
        Some(mean) => derived.push(format!("PSFS mean {mean}")),
        None => derived.push("PSFS not assessed".to_owned()),
    }
    let count = scores.yellow_flag_count as usize;
    let unanswered =
        view.sections().find(|s| s.id == YELLOW_SECTION).map_or(0, |section| yellow_not_asked(view, section));
    if unanswered == 0 {
        derived.push(format!("yellow flags {count} ({} concern)", yellow_concern(count)));
    } else {
        derived.push(format!("yellow flags not assessed ({unanswered} not asked, {count} ticked)"));
    }
    out.list(&[
        bullet(0, "The tool's verdict: massage", &format!("{badge}: {words}")),
        bullet(0, "Referral", &referral_verdict_words(result.verdict.referral)),
        bullet(0, "Derived scores", &derived.join(" · ")),
    ]);
    if result.flags.is_empty() {
        out.block("### Flags");
        out.block("No flags raised.");
    } else {
        out.block(&format!("### Flags ({})", result.flags.len()));
        for flag in &result.flags {
            out.list(&flag_lines(view, flag));
        }
    }
    out.block("### Areas to avoid");
    let avoid = view.region_labels(&result.avoid_regions);
    if result.verdict.massage == MassageVerdict::Stop {
        out.block("No massage anywhere this visit (STOP): see the flags above.");
    }
    if avoid.is_empty() {
        out.block("None.");
    } else {
        out.block("Do not massage these areas:");
        out.list(&avoid.iter().map(|label| bullet(0, "", label)).collect::<Vec<_>>());
    }
}

/// One flag: badge and title, then referral, where, what to do, why and the sources.
fn flag_lines(view: &View, flag: &FlagReport) -> Vec<String> {
    let mut lines = vec![format!(
        "- **{} · {}** ({})",
        tier_badge(flag.massage),
        one_line(&flag.title),
        crate::words::kind_words(flag.kind)
    )];
    if let Some(referral) = referral_badge(flag.referral) {
        lines.push(bullet(1, "Referral", referral));
    }
    if !flag.regions.is_empty() {
        lines.push(bullet(1, "Where", &view.region_labels(&flag.regions).join(", ")));
    }
    lines.push(bullet(1, "Action", &flag.action));
    if !flag.because.is_empty() {
        lines.push(bullet(1, "Because", &view.item_labels(&flag.because).join("; ")));
    }
    lines
}

fn route_words(code: &str) -> String {
    match code {
        "emergency_referral" => "Emergency referral".to_owned(),
        "urgent_referral" => "Urgent referral".to_owned(),
        "defer" => "Defer hands-on treatment".to_owned(),
        "combined" => "Physiotherapy and massage combined".to_owned(),
        "physio_first" => "Physiotherapy first".to_owned(),
        "massage" => "Massage".to_owned(),
        other => sentence_case(other),
    }
}

/// `deep_tissue` -> `Deep tissue`.
fn sentence_case(code: &str) -> String {
    let words = code.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn plan(view: &View, out: &mut Out) {
    let plan = &view.record.result.plan;
    out.block("## Plan");
    out.block("### Clinician's decision");
    let mut decision = Vec::new();
    match view.answer(known::item::DECISION_OUTCOME) {
        Some((id, value)) => {
            decision.push(view.item_bullet(id, value));
            out.mark(id);
        }
        None => decision.push(bullet(0, "Decision", "Not recorded")),
    }
    if let Some((id, value)) = view.answer(known::item::DECISION_NOTES) {
        decision.push(view.item_bullet(id, value));
        out.mark(id);
    }
    if let Some(override_) = &view.record.attestations.override_ {
        decision.push(bullet(0, "Override", &override_.words_in(view.content)));
    }
    out.list(&decision);
    out.block("### Recommended plan (the tool's)");
    let mut lines = vec![bullet(0, "Route", &format!("{} — {}", route_words(plan.route.code()), plan.route_reason))];
    // The reason of a physiotherapy route already names the indications; on any other route
    // (a referral first, say) they are still worth knowing for the next visit.
    let route_names_indications = matches!(plan.route.code(), "combined" | "physio_first");
    if !plan.physio_indications.is_empty() && !route_names_indications {
        lines.push(bullet(0, "Physiotherapy indicated", &plan.physio_indications.join("; ")));
    }
    if let Some(kind) = plan.massage_type {
        let reason = plan.massage_type_reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default();
        lines.push(bullet(0, "Massage type", &format!("{}{reason}", sentence_case(kind.code()))));
    }
    // Session order and days are decided only for a combined route (PLAN.md, sections 3 and 4).
    if let Some(order) = plan.session_order {
        let reason = plan.session_order_reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default();
        lines.push(bullet(0, "Session order", &format!("{}{reason}", sentence_case(order.code()))));
        let days = if plan.separate_days { "Separate days" } else { "Same day allowed" };
        lines.push(bullet(0, "Days", &format!("{days} — {}", view.content.plan.days_advice(plan.separate_days))));
        if !plan.separate_days_reasons.is_empty() {
            lines.push(bullet(1, "Because", &plan.separate_days_reasons.join("; ")));
        }
    }
    if let Some(frequency) = &plan.frequency {
        lines.push(bullet(0, "Frequency", frequency));
    }
    if !plan.aftercare.is_empty() {
        lines.push("- **Aftercare** (to tell the patient):".to_owned());
        lines.extend(plan.aftercare.iter().map(|line| bullet(1, "", line)));
    }
    out.list(&lines);
    // Treatment given, the response, the home programme, the next visit, and any item added to
    // the decision section later.
    let mut today = Vec::new();
    if let Some(section) = view.sections().find(|s| s.id == DECISION_SECTION) {
        for &id in &section.items {
            if out.is_written(id) {
                continue;
            }
            if let Some(value) = visible(view.content, &view.answers, id) {
                today.push(view.item_bullet(id, value));
                out.mark(id);
            }
        }
    }
    if !today.is_empty() {
        out.block("### Today");
        out.list(&today);
    }
}

/// The clinician and the time the record was last saved: who stands behind the note, and when.
fn signature(view: &View, out: &mut Out) {
    let record = view.record;
    let clinician = view
        .answer(known::item::VISIT_CLINICIAN)
        .map(|(id, value)| one_line(&view.words(id, value)))
        .unwrap_or_else(|| "clinician not recorded".to_owned());
    out.block(&format!(
        "Recorded by {clinician} · {} · {} revision {}",
        record.updated_at.format("%Y-%m-%d %H:%M UTC"),
        status_words(record.status),
        record.revision
    ));
}

/// The follow-up: each measure of the last visit, today's value, the change and whether it counts.
fn change_since(view: &View, out: &mut Out) {
    let Some(previous) = view.previous else { return };
    let changes = crate::follow_up::measure_changes(&previous.answers, &view.record.answers);
    out.block(&format!("## Change since {}", previous.visit_date().unwrap_or("the last visit")));
    if changes.is_empty() {
        out.block("No pain or function score was recorded at the last visit.");
        return;
    }
    let lines: Vec<String> = changes.iter().map(|change| bullet(0, &change.label, &change.describe())).collect();
    out.list(&lines);
}

/// Rule ids, the detail of each flag (where sources disagree), its sources, and every question
/// answered "no": for the reader who checks the reasoning, not for the chart's first read.
fn appendix(view: &View, out: &mut Out) {
    out.block("## Appendix: rules, sources and negatives");
    let flags = &view.record.result.flags;
    if flags.is_empty() {
        out.block("No rule fired.");
    }
    for flag in flags {
        let mut lines = vec![format!(
            "- **{}** (rule `{}`, {})",
            one_line(&flag.title),
            flag.id,
            crate::words::kind_words(flag.kind)
        )];
        if let Some(detail) = &flag.detail {
            lines.push(bullet(1, "Detail", detail));
        }
        if !flag.sources.is_empty() {
            lines.push(bullet(1, "Sources", &flag.sources.join("; ")));
        }
        out.list(&lines);
    }
    let record = view.record;
    out.list(&[bullet(
        0,
        "Questionnaire",
        &format!(
            "{} {} · rulebook {}",
            record.questionnaire.id, record.questionnaire.version, record.result.rulebook_version
        ),
    )]);
    let negatives: Vec<String> = out
        .negatives
        .iter()
        .map(|(section, labels)| bullet(0, &format!("Screened negative, {section}"), &labels.join("; ")))
        .collect();
    out.list(&negatives);
}

/// Which answers are the previous visit's, carried over for review rather than asked today.
fn carried_over(content: &Content, record: &Record, previous: Option<&Record>) -> Vec<bool> {
    let mut carried = vec![false; content.questionnaire.len()];
    let Some(previous) = previous else { return carried };
    let today = record.visit_day().unwrap_or(record.created_at.date_naive());
    let carried_answers = crate::follow_up::carried_answers(content, &previous.answers, today);
    for (key, value) in &carried_answers {
        if key == known::item::VISIT_DATE || key == known::item::VISIT_TYPE {
            continue;
        }
        // Who the patient is carries over by nature; only the clinical story is marked.
        if let Some(id) = content.questionnaire.id(key)
            && content.questionnaire.section_of(id).id != PATIENT_SECTION
            && record.answers.get(key) == Some(value)
        {
            carried[id.index()] = true;
        }
    }
    carried
}

/// The Markdown note as plain text, for a record field that shows Markdown as it is: headings
/// underlined, no emphasis or code marks; bullets and their indentation stay.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        let clean = line.replace("**", "").replace('`', "");
        if let Some(title) = clean.strip_prefix("# ") {
            out.push_str(&format!("{title}\n{}\n", "=".repeat(title.chars().count())));
        } else if let Some(title) = clean.strip_prefix("## ") {
            out.push_str(&format!("{title}\n{}\n", "-".repeat(title.chars().count())));
        } else if let Some(title) = clean.strip_prefix("### ") {
            out.push_str(&format!("{}\n", title.to_uppercase()));
        } else {
            out.push_str(&clean);
            out.push('\n');
        }
    }
    out
}

fn amendments(view: &View, out: &mut Out) {
    let amendments = &view.record.amendments;
    if amendments.is_empty() {
        return;
    }
    out.block("## Amendments");
    let lines: Vec<String> = amendments
        .iter()
        .map(|amendment| {
            let label = format!(
                "Revision {}, {} by {}",
                amendment.revision,
                amendment.at.format("%Y-%m-%d %H:%M UTC"),
                one_line(&amendment.by)
            );
            bullet(0, &label, &amendment.reason)
        })
        .collect();
    out.list(&lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_stay_inside_their_bullet() {
        assert_eq!(bullet(0, "Notes", "one\r\ntwo\n\nthree\n"), "- **Notes:** one\n  two\n\n  three");
        assert_eq!(bullet(1, "", "a\nb"), "  - a\n    b");
    }

    #[test]
    fn one_line_fields_lose_their_line_breaks() {
        assert_eq!(one_line(" Jane\n  Doe "), "Jane Doe");
    }
}

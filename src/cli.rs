//! The non-interactive commands. Each returns the text for standard output, or a [`CliError`]
//! that says what went wrong in words a clinician understands, without repeating patient data.

use crate::assessment::{referral_rank, tier_rank};
use crate::content::Content;
use crate::domain::Answers;
use crate::known;
use crate::report::{Report, render_text};
use crate::rules::{Kind, Referral, Tier};
use crate::store::input::read_input;
use crate::words::{referral_badge, tier_badge};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value as Json;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Text,
}

/// A failure, with the exit status CONTRACT.md gives it: 2 bad usage or bad input, 1 other.
#[derive(Debug)]
pub struct CliError {
    pub status: i32,
    pub lines: Vec<String>,
}

impl CliError {
    pub fn bad_input(lines: Vec<String>) -> CliError {
        CliError { status: 2, lines }
    }

    pub fn failure(line: String) -> CliError {
        CliError { status: 1, lines: vec![line] }
    }
}

fn content() -> Result<&'static Content, CliError> {
    Content::embedded().map_err(|e| CliError { status: 1, lines: e.problems.clone() })
}

/// Read an answers file (`{"answers": {...}}`) or a saved record (which holds `answers` too).
pub fn read_answers(content: &Content, text: &str, file: &str, today: NaiveDate) -> Result<Answers, CliError> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        // serde_json's messages can quote the input; only its position and category are used.
        let what = match e.classify() {
            serde_json::error::Category::Eof => "ends too early (truncated)",
            _ => "is not valid JSON",
        };
        CliError::bad_input(vec![format!("{file}: {what} (line {}, column {})", e.line(), e.column())])
    })?;
    let answers = json.as_object().and_then(|top| top.get("answers")).and_then(Json::as_object).ok_or_else(|| {
        CliError::bad_input(vec![format!("{file}: expected an object with an \"answers\" object inside")])
    })?;
    content
        .parse_answers(answers, today)
        .map_err(|errors| CliError::bad_input(errors.iter().map(|e| format!("{file}: {e}")).collect()))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|_| CliError::failure("could not write the output as JSON".into()))
}

/// `physio-intake screen FILE|- [--format json|text]`
pub fn screen(file: &str, format: Format, today: NaiveDate) -> Result<String, CliError> {
    let content = content()?;
    let shown = if file == "-" { "standard input" } else { file };
    let text = read_input(file).map_err(|e| CliError::bad_input(vec![format!("{shown}: {e}")]))?;
    let answers = read_answers(content, &text, shown, today)?;
    let report = Report::new(content, &content.evaluate(&answers));
    match format {
        Format::Json => to_json(&report),
        Format::Text => Ok(render_text(content, &report)),
    }
}

#[derive(Serialize)]
struct RulesReport<'a> {
    rulebook_version: &'a str,
    rules: Vec<RuleReport<'a>>,
}

#[derive(Serialize)]
struct RuleReport<'a> {
    id: &'a str,
    kind: Kind,
    massage: Option<Tier>,
    referral: Option<Referral>,
    restricts_pressure: bool,
    trigger: &'a str,
    regions: Option<&'a str>,
    title: &'a str,
    action: &'a str,
    detail: Option<&'a str>,
    sources: &'a [String],
}

/// `physio-intake rules [--format json|text]`: by kind, then as flags are ordered.
pub fn rules(format: Format) -> Result<String, CliError> {
    let content = content()?;
    let mut rules: Vec<_> = content.rulebook.rules().iter().collect();
    rules.sort_by_key(|r| (r.kind as u8, tier_rank(r.massage), referral_rank(r.referral), r.id.as_str()));
    match format {
        Format::Json => to_json(&RulesReport {
            rulebook_version: &content.rulebook.version,
            rules: rules
                .iter()
                .map(|r| RuleReport {
                    id: &r.id,
                    kind: r.kind,
                    massage: r.massage,
                    referral: r.referral,
                    restricts_pressure: r.restricts_pressure,
                    trigger: &r.trigger,
                    regions: r.regions_text.as_deref(),
                    title: &r.title,
                    action: &r.action,
                    detail: r.detail.as_deref(),
                    sources: &r.sources,
                })
                .collect(),
        }),
        Format::Text => {
            let mut out = format!("Rulebook {} ({} rules)\n", content.rulebook.version, rules.len());
            let mut last_kind = None;
            for rule in rules {
                if last_kind != Some(rule.kind) {
                    let heading = match rule.kind {
                        Kind::Contraindication => "CONTRAINDICATIONS",
                        Kind::RedFlag => "RED FLAGS",
                        Kind::YellowFlag => "YELLOW FLAGS",
                    };
                    let _ = writeln!(out, "\n{heading}");
                    last_kind = Some(rule.kind);
                }
                let mut head = format!("{}  {}  ({})", tier_badge(rule.massage), rule.title, rule.id);
                if let Some(referral) = referral_badge(rule.referral) {
                    head = format!("{head}  [{referral}]");
                }
                let _ = writeln!(out, "\n{head}");
                let _ = writeln!(out, "    when:    {}", rule.trigger);
                if let Some(regions) = &rule.regions_text {
                    let _ = writeln!(out, "    where:   {regions}");
                }
                let _ = writeln!(out, "    do:      {}", rule.action);
                if rule.restricts_pressure {
                    let _ = writeln!(out, "    pressure: restricts pressure (the plan chooses gentle massage)");
                }
                let _ = writeln!(out, "    sources: {}", rule.sources.join("; "));
            }
            Ok(out)
        }
    }
}

// --- Records: import, list, show, export --------------------------------------------------------

use crate::record::{Decoded, Record, Status};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> CliError {
        let status = match error {
            StoreError::NotFound(_) => 2,
            _ => 1,
        };
        CliError { status, lines: vec![error.to_string()] }
    }
}

impl From<crate::store::resolve::ResolveError> for CliError {
    fn from(error: crate::store::resolve::ResolveError) -> CliError {
        use crate::store::resolve::ResolveError;
        match error {
            ResolveError::Store(error) => CliError::from(error),
            other => CliError::bad_input(vec![other.to_string()]),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportStatus {
    Completed,
    /// Spelt as in CONTRACT.md and the record files.
    #[value(name = "in_progress", alias = "in-progress")]
    InProgress,
}

/// What an answers file may carry beside `answers` (CONTRACT.md): not-asked reasons,
/// acknowledgements and an override. Who and when may be left out: who is `visit.clinician`,
/// when is the time of the import.
#[derive(serde::Deserialize, Default)]
struct ImportedAttestations {
    #[serde(default)]
    not_asked: std::collections::BTreeMap<String, crate::gate::NotAsked>,
    #[serde(default)]
    acknowledgements: Vec<ImportedAcknowledgement>,
    #[serde(default, rename = "override")]
    override_: Option<ImportedOverride>,
}

#[derive(serde::Deserialize)]
struct ImportedAcknowledgement {
    flag: String,
    by: Option<String>,
    at: Option<DateTime<Utc>>,
}

#[derive(serde::Deserialize)]
struct ImportedOverride {
    by: Option<String>,
    why: String,
    at: Option<DateTime<Utc>>,
}

/// The attestations of an answers file (beside `answers`, or under `attestations` in a saved
/// record); the override is taken as departing from the verdict these answers give.
fn read_attestations(
    content: &Content,
    text: &str,
    file: &str,
    answers: &Answers,
    now: DateTime<Utc>,
) -> Result<crate::gate::Attestations, CliError> {
    let json: Json = serde_json::from_str(text).unwrap_or(Json::Null);
    let top = json.get("attestations").unwrap_or(&json);
    let pick = |key: &str| top.get(key).cloned();
    let object: serde_json::Map<String, Json> = ["not_asked", "acknowledgements", "override"]
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), pick(k)?)))
        .collect();
    let imported: ImportedAttestations = serde_json::from_value(Json::Object(object)).map_err(|_| {
        CliError::bad_input(vec![format!(
            "{file}: not_asked, acknowledgements or override is not in the expected shape (see README.md)"
        )])
    })?;
    let mut problems = Vec::new();
    for item in imported.not_asked.keys() {
        if content.questionnaire.id(item).is_none() {
            problems.push(format!("{file}: not_asked: unknown item id {item:?}"));
        }
    }
    if !problems.is_empty() {
        return Err(CliError::bad_input(problems));
    }
    let clinician = content
        .questionnaire
        .id(crate::gate::CLINICIAN_ITEM)
        .and_then(|id| answers.text(id))
        .map(str::to_owned)
        .unwrap_or_default();
    let who = |by: Option<String>| by.filter(|b| !b.trim().is_empty()).unwrap_or_else(|| clinician.clone());
    let assessment = content.evaluate(answers);
    let override_ = match imported.override_ {
        None => None,
        Some(o) => Some(crate::gate::Override {
            by: who(o.by),
            why: o.why,
            at: o.at.unwrap_or(now),
            decision: crate::gate::decision_code(content, answers).unwrap_or_default().to_owned(),
            verdict_massage: assessment.verdict.massage_code().to_owned(),
            verdict_referral: assessment.verdict.referral_code().to_owned(),
        }),
    };
    let acknowledgements = imported
        .acknowledgements
        .into_iter()
        .filter(|a| !who(a.by.clone()).trim().is_empty())
        .map(|a| crate::gate::Acknowledgement {
            by: who(a.by),
            flag: a.flag,
            at: a.at.unwrap_or(now),
            rulebook_version: content.rulebook.version.clone(),
        })
        .collect();
    let mut attestations = crate::gate::Attestations { not_asked: imported.not_asked, acknowledgements, override_ };
    attestations.prune(content, answers);
    Ok(attestations)
}

/// `physio-intake import FILE [--status completed|in_progress]`: validate and save as a new
/// record; prints the new id. `completed` passes the same completion gate as F10 in the app.
pub fn import(store: &Store, file: &str, status: ImportStatus, now: DateTime<Utc>) -> Result<String, CliError> {
    let content = content()?;
    let shown = if file == "-" { "standard input" } else { file };
    let text = read_input(file).map_err(|e| CliError::bad_input(vec![format!("{shown}: {e}")]))?;
    let answers = read_answers(content, &text, shown, now.date_naive())?;
    // A visit cannot be later than tomorrow (tomorrow allows for time zones): a date years ahead
    // is a typing mistake that would make every age and duration wrong.
    if answers.visit_date() > now.date_naive() + chrono::Days::new(1) {
        return Err(CliError::bad_input(vec![format!(
            "{shown}: item visit.date: is a date in the future (after tomorrow); check the year"
        )]));
    }
    let attestations = read_attestations(content, &text, shown, &answers, now)?;
    let status = match status {
        ImportStatus::Completed => {
            let missing = crate::gate::completion_gate(content, &answers, &content.evaluate(&answers), &attestations);
            if !missing.is_empty() {
                let mut lines = vec![format!("{shown}: not completed: {} thing(s) missing", missing.len())];
                lines.extend(missing.iter().map(|m| format!("{shown}: {}", m.words())));
                lines.push("to save it unfinished, use --status in_progress".into());
                return Err(CliError::bad_input(lines));
            }
            Status::Completed
        }
        ImportStatus::InProgress => Status::InProgress,
    };
    let id = crate::store::new_id(now)?;
    let mut record = Record::new(content, id, &answers, status, now);
    record.attestations = attestations;
    store.create(&record)?;
    Ok(format!("{}\n", record.id))
}

/// `physio-intake list [--format json|text] [--verify]`, written to `out` as it is made (a
/// listing of 100,000 records is 35 MB of JSON: never held twice). A failed write (a closed pipe,
/// as with `| head`) is not an error.
pub fn list_to(store: &Store, format: Format, verify: bool, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let listing = listing_of(store, verify)?;
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let _ = match format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &listing).map_err(std::io::Error::from),
        Format::Text => out.write_all(list_text(&listing).as_bytes()),
    }
    .and_then(|()| if format == Format::Json { out.write_all(b"\n") } else { Ok(()) })
    .and_then(|()| out.flush());
    Ok(())
}

/// `physio-intake list [--format json|text] [--verify]`, as one string.
pub fn list(store: &Store, format: Format, verify: bool) -> Result<String, CliError> {
    let listing = listing_of(store, verify)?;
    match format {
        Format::Json => to_json(&listing),
        Format::Text => Ok(list_text(&listing)),
    }
}

fn listing_of(store: &Store, verify: bool) -> Result<crate::store::records::Listing, CliError> {
    let check = if verify { crate::store::index::ListCheck::Verify } else { crate::store::index::ListCheck::Trust };
    // The content is loaded only if a record file must be read: a warm list reads none.
    match store.list_loading(&|| Content::embedded().ok(), check) {
        Ok(listing) => Ok(listing),
        Err(e) => {
            content()?; // say what is wrong with the content, if that is what failed
            Err(e.into())
        }
    }
}

fn list_text(listing: &crate::store::records::Listing) -> String {
    let mut out = String::new();
    if listing.records.is_empty() {
        out.push_str("No records yet.\n");
    } else {
        let _ = writeln!(out, "{:<26}  {:<10}  {:<11}  {:<14}  PATIENT", "ID", "VISIT", "STATUS", "VERDICT");
        let flagged = listing.records.iter().filter(|r| r.integrity.is_some()).count();
        if flagged > 0 {
            let _ = writeln!(
                out,
                "! {flagged} record(s) marked !INTEGRITY: the stored result does not match their answers; `show ID` says how"
            );
        }
        for r in &listing.records {
            let verdict = r.verdict.as_ref().map_or("?".to_owned(), crate::words::verdict_code);
            let status = if r.read_only { format!("{} (ro)", r.status) } else { r.status.clone() };
            let status = match &r.integrity {
                Some(_) => format!("{status} !INTEGRITY"),
                None => status,
            };
            let _ = writeln!(
                out,
                "{:<26}  {:<10}  {:<11}  {:<14}  {}",
                r.id,
                r.visit_date.as_deref().unwrap_or("–"),
                status,
                verdict,
                r.patient.as_deref().unwrap_or("(no name)")
            );
        }
    }
    if let Some(why) = &listing.index_rebuilt {
        let _ = writeln!(out, "\nNote: {why}.");
    }
    if !listing.quarantined.is_empty() {
        let _ = writeln!(out, "\nQUARANTINED (moved aside, never deleted: {} file(s))", listing.quarantined.len());
        for q in &listing.quarantined {
            let _ = writeln!(out, "  {}  {}", q.problem, q.file.display());
        }
    }
    out
}

fn answer_text(record: &Record, item: &str) -> Option<String> {
    match record.answers.get(item)? {
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `physio-intake show ID`: the record as a clinician reads it at a terminal: the chart note as
/// plain text (the same as `export ID --format text`), with the visit a follow-up follows.
pub fn show(store: &Store, id: &str) -> Result<String, CliError> {
    let content = content()?;
    let id = &store.resolve_id(id)?;
    let record = match store.load(id, content)? {
        Decoded::Current(record) => *record,
        Decoded::Newer { schema_version, value } => {
            let answers = value.get("answers");
            let field = |k: &str| answers.and_then(|a| a.get(k)).and_then(Json::as_str).unwrap_or("–").to_owned();
            return Ok(format!(
                "READ-ONLY: record {id} was written by a newer version of physio-intake (schema {schema_version}).\nPatient: {}\nVisit:   {}\nOpen it with that version to see everything.\n",
                field(known::item::PATIENT_NAME),
                field(known::item::VISIT_DATE)
            ));
        }
    };
    let previous = previous_visit(store, content, &record);
    Ok(show_text(content, &record, previous.as_ref()))
}

/// The visit a follow-up follows, when that record reads (a note without it still shows).
fn previous_visit(store: &Store, content: &Content, record: &Record) -> Option<Record> {
    record.follow_up_of.as_deref().and_then(|id| match store.load(id, content) {
        Ok(Decoded::Current(previous)) => Some(*previous),
        _ => None,
    })
}

/// What `show` prints for a record: the chart note without Markdown syntax (verdict, referrals,
/// acknowledgements, override and any integrity or older-rulebook difference first; not-asked
/// questions; amendments), then which rulebook this program has when the record was evaluated
/// with another. Pure.
pub fn show_text(content: &Content, record: &Record, previous: Option<&Record>) -> String {
    let note = crate::export::markdown::note(content, record, previous);
    let mut out = crate::export::markdown::plain_text(&note);
    if record.result.rulebook_version != content.rulebook.version {
        let _ = writeln!(
            out,
            "\nEvaluated with rulebook {}; this program has rulebook {}.",
            record.result.rulebook_version, content.rulebook.version
        );
    }
    out
}

/// A record as the app's record view shows it (`show` prints the chart note, [`show_text`]):
/// first the verdict, each emergency or urgent referral with its acknowledgement and any override; then whether the
/// stored result still matches its answers; then the rest. Pure.
pub fn record_text(content: &Content, record: &Record) -> String {
    let mut out = String::new();
    for line in crate::gate::headline_in(content, &record.result, &record.attestations) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(words) = record.recheck(content).as_ref().and_then(crate::gate::Recheck::words) {
        let _ = writeln!(out, "{words}");
    }
    let _ = writeln!(out);
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    let _ = writeln!(out, "Patient:   {}", or_dash(answer_text(record, known::item::PATIENT_NAME)));
    let age = record.result.scores.age.map(|a| format!(" (age {a} at the visit)")).unwrap_or_default();
    let _ = writeln!(out, "Born:      {}{age}", or_dash(answer_text(record, known::item::PATIENT_DOB)));
    let _ = writeln!(
        out,
        "Visit:     {}  clinician {}",
        or_dash(answer_text(record, known::item::VISIT_DATE)),
        or_dash(answer_text(record, known::item::VISIT_CLINICIAN))
    );
    let _ = writeln!(
        out,
        "Record:    {}  {} (revision {}, updated {})",
        record.id,
        crate::words::status_words(record.status),
        record.revision,
        record.updated_at.format("%Y-%m-%d %H:%M UTC")
    );
    if record.result.rulebook_version != content.rulebook.version {
        let _ = writeln!(
            out,
            "Note:      evaluated with rulebook {}; this program has rulebook {}",
            record.result.rulebook_version, content.rulebook.version
        );
    }
    let _ = writeln!(out);
    out.push_str(&render_text(content, &record.result));
    if let Ok(answers) = record.parsed_answers(content) {
        let not_asked = crate::gate::not_asked_items(content, &answers, &record.attestations);
        if !not_asked.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "NOT ASKED ({} safety-screen and red-flag questions)", not_asked.len());
            for (label, mark) in not_asked {
                let _ = writeln!(out, "  - {label}: {}", crate::gate::not_asked_words(mark));
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "CLINICIAN'S DECISION");
    let outcome = content.questionnaire.id(known::item::DECISION_OUTCOME).and_then(|item_id| {
        let item = content.questionnaire.item(item_id);
        let code = record.answers.get(known::item::DECISION_OUTCOME)?.as_str()?;
        item.option_index(code).map(|i| item.option_label(i).to_owned())
    });
    let _ = writeln!(out, "  {}", outcome.unwrap_or_else(|| "Not recorded".into()));
    if let Some(override_) = &record.attestations.override_ {
        let _ = writeln!(out, "  {}", override_.words_in(content));
    }
    if let Some(notes) = answer_text(record, known::item::DECISION_NOTES) {
        for line in notes.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !record.amendments.is_empty() {
        let _ = writeln!(out, "\nAMENDMENTS");
        for a in &record.amendments {
            let _ = writeln!(
                out,
                "  revision {} on {} by {}: {}",
                a.revision,
                a.at.format("%Y-%m-%d %H:%M UTC"),
                a.by,
                a.reason
            );
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The chart note in Markdown (SOAP order, rule ids and sources in an appendix).
    Markdown,
    /// The same note as plain text, for a record field that does not render Markdown.
    Text,
    /// A FHIR R4 transaction Bundle: Patient, Practitioner, Encounter, QuestionnaireResponse,
    /// a Flag per flag, the CarePlan, Observations and a Provenance per amendment.
    Fhir,
    /// The bare FHIR R4 QuestionnaireResponse, for systems that want only the answers.
    FhirResponse,
    Json,
}

/// `physio-intake export ID --format markdown|text|fhir|fhir-response|json`
pub fn export(store: &Store, id: &str, format: ExportFormat) -> Result<String, CliError> {
    let content = content()?;
    let id = &store.resolve_id(id)?;
    let record = match store.load(id, content)? {
        Decoded::Current(record) => *record,
        Decoded::Newer { value, .. } if format == ExportFormat::Json => return to_json(&value),
        Decoded::Newer { .. } => return Err(CliError::from(StoreError::ReadOnly(id.to_owned()))),
    };
    match format {
        ExportFormat::Json => to_json(&record),
        ExportFormat::Markdown | ExportFormat::Text => {
            // A follow-up's note shows the change since the visit it follows, when that record reads.
            let previous = previous_visit(store, content, &record);
            let note = crate::export::markdown::note(content, &record, previous.as_ref());
            Ok(if format == ExportFormat::Text { crate::export::markdown::plain_text(&note) } else { note })
        }
        ExportFormat::Fhir => to_json(&crate::export::fhir_bundle::transaction_bundle(content, &record)),
        ExportFormat::FhirResponse => to_json(&crate::export::fhir::questionnaire_response(content, &record)),
    }
}

/// `physio-intake export-questionnaire`: the FHIR R4 Questionnaire that exported responses answer.
pub fn export_questionnaire(with_code_systems: bool) -> Result<String, CliError> {
    let content = content()?;
    if with_code_systems {
        to_json(&crate::export::fhir_bundle::questionnaire_with_code_systems(content))
    } else {
        to_json(&crate::export::fhir::questionnaire(content))
    }
}

// --- Practice: cases, grading, checking a case, progress and the class table ------------------

use crate::practice::{CaseSource, Cases, StudentFolder};
use crate::store::cases::{read_case_file, read_case_folder};
use std::path::{Path, PathBuf};

/// The output formats of `practice --report` (the others take `text` or `json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PracticeFormat {
    Json,
    Text,
    Csv,
}

impl PracticeFormat {
    /// The format for a command that prints text or JSON only (csv is bad usage there).
    pub fn text_or_json(self, what: &str) -> Result<Format, CliError> {
        match self {
            PracticeFormat::Json => Ok(Format::Json),
            PracticeFormat::Text => Ok(Format::Text),
            PracticeFormat::Csv => Err(CliError::bad_input(vec![format!("{what} prints text or json, not csv")])),
        }
    }
}

/// Where practice cases come from besides the built-in set: `--cases DIR` (must exist) and the
/// data folder's `cases/` (optional).
#[derive(Debug, Clone, Default)]
pub struct CaseFolders {
    pub from_flag: Option<PathBuf>,
    pub data_folder_cases: Option<PathBuf>,
}

/// The built-in cases plus the folders' cases, checked; a folder case never replaces a built-in
/// id (a clash is an error naming the file). Loaded once per run.
pub fn practice_cases(folders: &CaseFolders) -> Result<&'static Cases, CliError> {
    let content = content()?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (dir, must_exist) in [(&folders.data_folder_cases, false), (&folders.from_flag, true)] {
        if let Some(dir) = dir {
            match read_case_folder(dir, must_exist) {
                Ok(mut more) => files.append(&mut more),
                Err(mut more) => problems.append(&mut more),
            }
        }
    }
    if !problems.is_empty() {
        return Err(CliError::bad_input(problems));
    }
    if files.is_empty() {
        return Cases::embedded(content).map_err(|problems| CliError { status: 1, lines: problems.to_vec() });
    }
    let pairs: Vec<(String, String)> = files.into_iter().map(|f| (f.name, f.text)).collect();
    let cases = Cases::with_folder_cases(content, &pairs).map_err(CliError::bad_input)?;
    Ok(Box::leak(Box::new(cases)))
}

/// `physio-intake practice --list`: one case a line, `id<TAB>title` (CONTRACT.md: id, then
/// title), by level then id. The id prefix names the level.
pub fn practice_list(folders: &CaseFolders) -> Result<String, CliError> {
    let mut out = String::new();
    for case in &practice_cases(folders)?.cases {
        let _ = writeln!(out, "{}\t{}", case.id, case.title);
    }
    Ok(out)
}

/// `physio-intake practice --grade CASE_ID FILE [--format json|text]`: the attempt is judged on
/// the case's visit date, with the same grading function the app uses.
pub fn practice_grade(folders: &CaseFolders, case_id: &str, file: &str, format: Format) -> Result<String, CliError> {
    let content = content()?;
    let case = practice_cases(folders)?.get(case_id).ok_or_else(|| {
        CliError::bad_input(vec![format!("no practice case {case_id:?}: `physio-intake practice --list` lists them")])
    })?;
    let visit = case.visit_date().ok_or_else(|| CliError::failure(format!("case {case_id} has no visit date")))?;
    let shown = if file == "-" { "standard input" } else { file };
    let text = read_input(file).map_err(|e| CliError::bad_input(vec![format!("{shown}: {e}")]))?;
    let answers = read_answers(content, &text, shown, visit)?;
    let grade = crate::practice::grade(content, case, &answers, 0).map_err(CliError::failure)?;
    match format {
        Format::Json => to_json(&grade),
        Format::Text => Ok(crate::practice::render_grade(case, &grade)),
    }
}

/// `physio-intake practice --check FILE`: a teacher's case checked as the program would load it
/// (schema, reference answers, `covers` ids that exist and fire, near misses that do not,
/// `from_story` for every answer that matters, found word for word in the story, a title that
/// does not name the answer, an id of its own). Exit 0 with a one-line summary, or exit 2 with
/// each problem in plain words.
pub fn practice_check(file: &Path) -> Result<String, CliError> {
    let content = content()?;
    let case_file = read_case_file(file).map_err(|problem| CliError::bad_input(vec![problem]))?;
    let source = CaseSource { name: &case_file.name, text: &case_file.text };
    let case = crate::practice::parse_case(content, &source).map_err(CliError::bad_input)?;
    let clashes = crate::practice::built_in_sources()
        .iter()
        .any(|built_in| built_in.name == format!("{}.json", case.id) && built_in.text != case_file.text);
    if clashes {
        return Err(CliError::bad_input(vec![format!(
            "{}: the id {} is a built-in case; a teacher's case needs an id (and file name) of its own",
            case_file.name, case.id
        )]));
    }
    let reference = case.reference(content).map_err(CliError::failure)?;
    let answers = case.reference_answers(content).map_err(CliError::failure)?;
    let must_ask = case.must_ask_items(content, &answers).len();
    let decision = case.expected_decision_for(&reference);
    Ok(format!(
        "ok: {} ({}, {}): {} flag(s), verdict {}, expected decision {}, {} answer(s) cited from the story, {} question(s) to ask\n",
        case.id,
        case.level.code(),
        case_file.name,
        reference.flags.len(),
        crate::practice::verdict_words(&reference),
        crate::words::decision_label(content, &decision.outcome),
        case.from_story.len(),
        must_ask
    ))
}

/// `physio-intake practice --report`: per case, attempts, best score, passed, last attempt; and
/// the attempt files that could not be read (named, with the kind of problem), which do not make
/// the report fail.
pub fn practice_report(
    store: &crate::store::Store,
    folders: &CaseFolders,
    format: PracticeFormat,
) -> Result<String, CliError> {
    let found = store.attempts();
    let cases = practice_cases(folders)?;
    let rows = crate::practice::progress(cases, &found.attempts);
    let out = match format {
        PracticeFormat::Json => to_json(&serde_json::json!({
            "cases": rows,
            "unreadable_attempts": found.unreadable,
            "unreadable": found.problems,
        }))?,
        PracticeFormat::Text => {
            let mut out = crate::practice::render_progress(&rows);
            if found.unreadable > 0 {
                let _ = writeln!(out, "\n{} attempt file(s) could not be read and are not counted:", found.unreadable);
                for problem in &found.problems {
                    let _ = writeln!(out, "  practice/{} ({})", problem.file, problem.problem.replace('_', " "));
                }
            }
            out
        }
        PracticeFormat::Csv => {
            let mut out = String::from("case,title,level,attempts,best_score,passed,last_attempt\n");
            for row in &rows {
                let title = if row.title.contains([',', '"']) {
                    format!("\"{}\"", row.title.replace('"', "\"\""))
                } else {
                    row.title.clone()
                };
                let _ = writeln!(
                    out,
                    "{},{title},{},{},{},{},{}",
                    row.case,
                    row.level.code(),
                    row.attempts,
                    row.best_score.map_or(String::new(), |s| s.to_string()),
                    row.passed,
                    row.last_attempt.map_or(String::new(), |t| t.to_rfc3339())
                );
            }
            out
        }
    };
    Ok(out)
}

#[derive(Serialize)]
struct UnreadableInFolder<'a> {
    folder: String,
    file: &'a str,
    problem: &'a str,
}

/// `physio-intake practice --report DIR... [--format text|json|csv]`: several students'
/// folders (each a data folder holding practice/, or a practice folder itself) merged into one
/// class table, per student and case: attempts, best, last, hints, failed criticals. A student
/// is the name in the attempt (`--student`), else the folder's name. Folders are only read.
pub fn practice_class_report(
    folders: &CaseFolders,
    dirs: &[PathBuf],
    format: PracticeFormat,
) -> Result<String, CliError> {
    let cases = practice_cases(folders)?;
    let mut students = Vec::new();
    let mut missing = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            missing
                .push(format!("{}: not a folder (give each student's data folder or practice folder)", dir.display()));
            continue;
        }
        let practice = dir.join("practice");
        let folder = if practice.is_dir() { practice } else { dir.clone() };
        let label = dir
            .canonicalize()
            .ok()
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
        students.push((label, dir.display().to_string(), crate::store::practice::read_attempts(&folder)));
    }
    if !missing.is_empty() {
        return Err(CliError::bad_input(missing));
    }
    let merged: Vec<StudentFolder> = students
        .iter()
        .map(|(label, _, found)| StudentFolder { folder: label.clone(), attempts: found.attempts.clone() })
        .collect();
    let rows = crate::practice::class_table(cases, &merged);
    let unreadable: Vec<UnreadableInFolder<'_>> = students
        .iter()
        .flat_map(|(_, shown, found)| {
            found.problems.iter().map(move |p| UnreadableInFolder {
                folder: shown.clone(),
                file: &p.file,
                problem: p.problem,
            })
        })
        .collect();
    match format {
        PracticeFormat::Json => to_json(&serde_json::json!({ "rows": rows, "unreadable": unreadable })),
        PracticeFormat::Csv => Ok(crate::practice::render_class_csv(&rows)),
        PracticeFormat::Text => {
            let mut out = crate::practice::render_class_table(&rows);
            if !unreadable.is_empty() {
                let _ = writeln!(out, "\n{} attempt file(s) could not be read and are not counted:", unreadable.len());
                for u in &unreadable {
                    let _ = writeln!(out, "  {}: {} ({})", u.folder, u.file, u.problem.replace('_', " "));
                }
            }
            Ok(out)
        }
    }
}

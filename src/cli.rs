//! The non-interactive commands. Each returns the text for standard output, or a [`CliError`]
//! that says what went wrong in words a clinician understands, without repeating patient data.

use crate::assessment::{referral_rank, tier_rank};
use crate::content::Content;
use crate::domain::Answers;
use crate::report::{Report, referral_badge, render_text, tier_badge};
use crate::rules::{Kind, Referral, Tier};
use crate::store::input::read_input;
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

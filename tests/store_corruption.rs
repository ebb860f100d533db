//! The corruption corpus (reliability.md §6, T6 and T9): every truncation and every single-bit
//! flip of committed record fixtures is rejected with the right category, never panics and never
//! loads as a current record; on disk a corrupt file is moved to quarantine byte for byte, named
//! by id and category only, and listed there. The golden fixture of schema version 1 keeps
//! loading forever.
//!
//! Fixtures (tests/fixtures/records/) were written once by `write_record_fixtures` below with
//! `Record::to_bytes`; they are committed and never regenerated. `v1.json` is the golden fixture
//! of schema version 1: it must never change, and it must always decode.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::record::{self, Decoded, Draft, Record, RecordProblem, Revision, Status};
use physio_intake::store::records::Quarantined;
use physio_intake::store::{Store, StoreError};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

const SMALL_ID: &str = "01KAPZ0000000000000000SM01";
const FULL_ID: &str = "01KAPZ0000000000000000FU02";
const AMENDED_ID: &str = "01KAPZ0000000000000000AM03";
const GOLDEN_V1_ID: &str = "01KAPZ0000000000000000V1G0";

/// The corpus: file name under tests/fixtures/records/ and the record id it holds.
const CORPUS: [(&str, &str); 4] =
    [("small.json", SMALL_ID), ("full_intake.json", FULL_ID), ("amended.json", AMENDED_ID), ("v1.json", GOLDEN_V1_ID)];

/// Every category CONTRACT.md names for a quarantined file.
const CATEGORIES: [&str; 6] = ["truncated", "not_json", "wrong_format", "too_new", "invalid", "io"];

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, hour, minute, 0).unwrap()
}

fn visit_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn answers_of(value: Value) -> physio_intake::domain::Answers {
    content().parse_answers(value.as_object().unwrap(), visit_day()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn full_intake_answers() -> Map<String, Value> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full_intake.json")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["answers"].as_object().unwrap().clone()
}

/// The small fixture: few answers, but a non-ASCII name (truncation inside a UTF-8 character),
/// escapes in a multi-line note, and a float in the scores.
fn small_answers() -> Value {
    json!({
        "patient.name": "Renée Dubois-Ng",
        "patient.dob": "1990-02-28",
        "visit.date": "2026-11-22",
        "visit.consent": true,
        "pain.now": 4,
        "psfs.1.activity": "Running",
        "psfs.1.score": 4,
        "psfs.2.activity": "Lifting",
        "psfs.2.score": 5,
        "decision.notes": "Line one\n\"quoted\" line two\tand a tab; back\\slash"
    })
}

fn golden_answers() -> Value {
    json!({
        "patient.name": "Golden Fixture",
        "patient.dob": "1961-03-04",
        "visit.date": "2026-11-22",
        "visit.consent": true,
        "complaint.condition": "low_back_pain",
        "pain.now": 6,
        "screen.open_wound": true,
        "screen.open_wound.regions": ["lower_leg_r"]
    })
}

/// Writes the fixture files that do not exist yet (never overwrites: they are committed, and
/// v1.json is the golden fixture of schema version 1). Run once:
/// `PHYSIO_WRITE_FIXTURES=1 cargo test --test store_corruption -- --ignored write_record_fixtures`
#[test]
#[ignore = "writes tests/fixtures/records/ once; the files are committed"]
fn write_record_fixtures() {
    if std::env::var_os("PHYSIO_WRITE_FIXTURES").is_none() {
        return;
    }
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let small = Record::new(content(), SMALL_ID.into(), &answers_of(small_answers()), Status::InProgress, at(9, 0));
    let full_answers = Value::Object(full_intake_answers());
    let full = Record::new(content(), FULL_ID.into(), &answers_of(full_answers.clone()), Status::Completed, at(9, 30));
    let mut corrected = full_answers;
    corrected["pain.now"] = json!(7);
    let original = Record::new(
        content(),
        AMENDED_ID.into(),
        &answers_of(Value::Object(full_intake_answers())),
        Status::Completed,
        at(10, 0),
    );
    let change = Revision::Amend { by: "J. Okafor".into(), reason: "Pain score misheard; patient confirmed 7".into() };
    let amended = original.revise(content(), &answers_of(corrected), change, at(11, 15));
    let golden =
        Record::new(content(), GOLDEN_V1_ID.into(), &answers_of(golden_answers()), Status::Completed, at(12, 0));
    for (name, record) in
        [("small.json", small), ("full_intake.json", full), ("amended.json", amended), ("v1.json", golden)]
    {
        let path = dir.join(name);
        if path.exists() {
            eprintln!("{} exists; left unchanged", path.display());
            continue;
        }
        std::fs::write(&path, record.to_bytes().unwrap()).unwrap();
    }
}

// --- The judge ----------------------------------------------------------------------------------

/// What loading corrupted bytes must give, judged independently of `record::decode`, from the
/// rules record.rs states: bytes cut inside a UTF-8 character or JSON that ends early are
/// `truncated`; other bad UTF-8 or bad JSON is `not_json`; JSON that is not an object with
/// `format: "physio-intake/assessment"` and a positive integer `schema_version` is
/// `wrong_format`; a higher `schema_version` opens read-only (`Newer`); anything else that is not
/// the original record (checksum, field types, answers) is `invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Category(&'static str),
    Newer(u64),
}

fn judge(bytes: &[u8]) -> Expected {
    judge_as(bytes, record::FORMAT)
}

fn judge_as(bytes: &[u8], format: &str) -> Expected {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => return Expected::Category("truncated"),
        Err(_) => return Expected::Category("not_json"),
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) if e.is_eof() => return Expected::Category("truncated"),
        Err(_) => return Expected::Category("not_json"),
    };
    let Some(body) = value.as_object() else { return Expected::Category("wrong_format") };
    if body.get("format").and_then(Value::as_str) != Some(format) {
        return Expected::Category("wrong_format");
    }
    match body.get("schema_version").and_then(Value::as_u64) {
        None | Some(0) => Expected::Category("wrong_format"),
        Some(n) if n > u64::from(record::SCHEMA_VERSION) => Expected::Newer(n),
        Some(_) => Expected::Category("invalid"),
    }
}

/// What `decode` gave, with a panic caught and reported as such.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Current,
    Newer(u64),
    Rejected(&'static str),
    Panicked(String),
}

fn decode_caught(bytes: &[u8], id: &str) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| record::decode(bytes, Some(id), content()))) {
        Ok(Ok(Decoded::Current(_))) => Outcome::Current,
        Ok(Ok(Decoded::Newer { schema_version, .. })) => Outcome::Newer(schema_version),
        Ok(Err(problem)) => Outcome::Rejected(problem.category()),
        Err(panic) => Outcome::Panicked(
            panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
        ),
    }
}

/// Position of the digit(s) of `"schema_version": N` in a fixture: the only bytes whose flip may
/// give a readable (newer-schema) file.
fn schema_digits(bytes: &[u8]) -> std::ops::Range<usize> {
    let key = b"\"schema_version\": ";
    let start = bytes.windows(key.len()).position(|w| w == key).expect("schema_version in the fixture") + key.len();
    let end = start + bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
    start..end
}

/// Tally of outcomes and the first few mismatches.
#[derive(Default)]
struct Tally {
    tested: usize,
    seen: BTreeMap<String, usize>,
    wrong: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.tested += other.tested;
        for (k, v) in other.seen {
            *self.seen.entry(k).or_default() += v;
        }
        self.wrong.extend(other.wrong);
    }

    fn note(&mut self, what: String, outcome: &Outcome, ok: bool) {
        self.tested += 1;
        let key = match outcome {
            Outcome::Current => "CURRENT (accepted!)".to_owned(),
            Outcome::Newer(n) => format!("newer (schema {n}, read-only)"),
            Outcome::Rejected(category) => (*category).to_owned(),
            Outcome::Panicked(_) => "PANIC".to_owned(),
        };
        *self.seen.entry(key).or_default() += 1;
        if !ok && self.wrong.len() < 20 {
            self.wrong.push(format!("{what}: got {outcome:?}"));
        }
    }
}

/// The prefixes of `bytes` of the given lengths: all must be `truncated`. Records are written
/// without a trailing newline, so each proper prefix is JSON that ends early (serde_json reports
/// EOF even inside a number such as `5.` or a literal such as `tr`), and a prefix cut inside a
/// UTF-8 character is caught before parsing. The empty file is truncated too (an interrupted
/// first write).
fn truncations(bytes: &[u8], id: &str, lengths: &[usize]) -> Tally {
    let mut tally = Tally::default();
    for &len in lengths {
        let prefix = &bytes[..len];
        let outcome = decode_caught(prefix, id);
        let expected = judge(prefix);
        let ok = outcome == Outcome::Rejected("truncated") && expected == Expected::Category("truncated");
        tally.note(format!("prefix of {len} bytes (judged {expected:?})"), &outcome, ok);
    }
    tally
}

/// Every single-bit flip of the bytes at `positions`.
fn flips(bytes: &[u8], id: &str, positions: &[usize]) -> Tally {
    let schema = schema_digits(bytes);
    let mut tally = Tally::default();
    let mut flipped = bytes.to_vec();
    for &i in positions {
        for bit in 0..8 {
            flipped[i] ^= 1 << bit;
            let outcome = decode_caught(&flipped, id);
            let expected = judge(&flipped);
            let ok = match (&outcome, expected) {
                (Outcome::Rejected(got), Expected::Category(want)) => *got == want,
                (Outcome::Newer(got), Expected::Newer(want)) => *got == want && schema.contains(&i),
                _ => false,
            };
            tally.note(format!("byte {i} bit {bit} (judged {expected:?})"), &outcome, ok);
            flipped[i] ^= 1 << bit;
        }
    }
    tally
}

/// Run `work` over `positions` dealt round-robin to the machine's cores (round-robin, because
/// the cost of a position grows with it for truncations).
fn in_parallel(positions: &[usize], work: impl Fn(&[usize]) -> Tally + Sync) -> Tally {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let parts: Vec<Vec<usize>> =
        (0..threads).map(|t| positions.iter().skip(t).step_by(threads).copied().collect()).collect();
    let mut total = Tally::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts.iter().map(|part| scope.spawn(|| work(part))).collect();
        for handle in handles {
            total.add(handle.join().expect("a worker thread"));
        }
    });
    total
}

fn report(what: &str, name: &str, tally: &Tally) {
    eprintln!("{name}: {} {what} tested: {:?}", tally.tested, tally.seen);
    assert!(tally.wrong.is_empty(), "{name}: {what} with the wrong outcome:\n{}", tally.wrong.join("\n"));
    assert!(!tally.seen.contains_key("PANIC") && !tally.seen.contains_key("CURRENT (accepted!)"));
}

/// Small xorshift PRNG (no crates): seeded from the clock unless `PHYSIO_CORRUPTION_SEED` is set;
/// the seed is printed so a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn from_env_or_clock(var: &str) -> XorShift {
        let seed = std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
        });
        eprintln!("{var}={seed}");
        XorShift(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// --- The fixtures themselves --------------------------------------------------------------------

#[test]
fn every_fixture_decodes_as_a_current_record_and_is_what_to_bytes_writes() {
    for (name, id) in CORPUS {
        let bytes = fixture(name);
        let Ok(Decoded::Current(record)) = record::decode(&bytes, Some(id), content()) else {
            panic!("{name} does not decode as a current record: the corpus tests would prove nothing");
        };
        assert_eq!(record.id, id, "{name}");
        assert_eq!(record.to_bytes().unwrap(), bytes, "{name} is exactly what Record::to_bytes writes");
        assert_ne!(bytes.last(), Some(&b'\n'), "{name}: no trailing newline");
        assert_eq!(judge(&bytes), Expected::Category("invalid"), "the judge sees a well-formed envelope");
        assert_eq!(
            record::decode(&bytes, Some("01KAPZ0000000000000000XX99"), content()),
            Err(RecordProblem::Invalid("its id does not match its file name")),
            "a record under another file name is not loaded"
        );
    }
}

/// FNV-1a, to pin the golden fixture's bytes without a hashing crate.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The golden fixture of schema version 1: written once, never changed, always loadable. When a
/// schema 2 exists, this must still load (through `migrate`) with the same field values.
#[test]
fn the_golden_v1_fixture_never_changes_and_decodes_with_known_values() {
    let bytes = fixture("v1.json");
    assert_eq!(
        (bytes.len(), fnv1a(&bytes)),
        (2973, 0xfe54_fc7b_6a07_a22e),
        "tests/fixtures/records/v1.json must never change"
    );
    let Ok(Decoded::Current(record)) = record::decode(&bytes, Some(GOLDEN_V1_ID), content()) else {
        panic!("the golden v1 fixture no longer decodes as a current record");
    };
    let record = *record;
    assert_eq!(record.format, "physio-intake/assessment");
    assert_eq!(record.schema_version, record::SCHEMA_VERSION);
    assert_eq!(record.id, GOLDEN_V1_ID);
    assert_eq!(record.status, Status::Completed);
    assert_eq!(record.revision, 1);
    assert_eq!(record.created_at, at(12, 0));
    assert_eq!(record.updated_at, at(12, 0));
    assert_eq!((record.questionnaire.id.as_str(), record.questionnaire.version.as_str()), ("physio-intake", "1.0.0"));
    assert_eq!(Value::Object(record.answers.clone()), golden_answers());
    assert_eq!(record.patient(), Some("Golden Fixture"));
    assert_eq!(record.visit_day(), Some(visit_day()));
    assert_eq!((record.result.verdict.massage.code(), record.result.verdict.referral.code()), ("avoid", "none"));
    let flags: Vec<&str> = record.result.flags.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(flags, ["open_wound"]);
    assert_eq!(record.result.avoid_regions, ["lower_leg_r"]);
    assert_eq!(record.result.scores.age, Some(65));
    assert_eq!(record.result.rulebook_version, "2026.11.0+6da91a08");
    assert_eq!(record.result.visit_date, "2026-11-22");
    assert!(record.amendments.is_empty());
    assert!(record.parsed_answers(content()).is_ok());
}

// --- Truncations and bit flips through the pure decoder -----------------------------------------

#[test]
fn every_truncation_of_every_fixture_is_rejected_as_truncated() {
    for (name, id) in CORPUS {
        let bytes = fixture(name);
        let lengths: Vec<usize> = (0..bytes.len()).collect();
        let tally = in_parallel(&lengths, |part| truncations(&bytes, id, part));
        report("truncations", name, &tally);
        assert_eq!(tally.tested, bytes.len());
        assert_eq!(fixture(name), bytes, "{name} unchanged");
    }
}

/// The two small fixtures (an in-progress record with a non-ASCII name, escapes and a float; the
/// golden v1 record), every byte, every bit.
#[test]
fn every_single_bit_flip_of_the_small_fixtures_is_rejected_with_its_category() {
    for name in ["small.json", "v1.json"] {
        let id = CORPUS.iter().find(|(n, _)| *n == name).unwrap().1;
        let bytes = fixture(name);
        let positions: Vec<usize> = (0..bytes.len()).collect();
        let tally = in_parallel(&positions, |part| flips(&bytes, id, part));
        report("single-bit flips", name, &tally);
        assert_eq!(tally.tested, bytes.len() * 8);
        assert!(
            tally.seen.keys().any(|k| k.starts_with("newer")),
            "a flip of schema_version 1 to 3, 5 or 9 is read-only"
        );
        for category in ["not_json", "wrong_format", "invalid"] {
            assert!(tally.seen.contains_key(category), "{name}: no flip gave {category}: {:?}", tally.seen);
        }
        assert_eq!(fixture(name), bytes, "{name} unchanged");
    }
}

/// The large fixtures in the normal run: every bit of the envelope (the first 512 bytes: format,
/// schema_version, id, status, timestamps, revision, questionnaire, the first answers) and of the
/// last 256 (the checksum and the end of the result), plus 256 random positions in between. The
/// ignored test below does every byte.
#[test]
fn single_bit_flips_of_the_large_fixtures_envelope_checksum_and_a_sample() {
    let mut rng = XorShift::from_env_or_clock("PHYSIO_CORRUPTION_SEED");
    for name in ["full_intake.json", "amended.json"] {
        let id = CORPUS.iter().find(|(n, _)| *n == name).unwrap().1;
        let bytes = fixture(name);
        let len = bytes.len();
        let mut positions: BTreeSet<usize> = (0..512).chain(len - 256..len).collect();
        while positions.len() < 512 + 256 + 256 {
            positions.insert(rng.below(len));
        }
        let positions: Vec<usize> = positions.into_iter().collect();
        let tally = in_parallel(&positions, |part| flips(&bytes, id, part));
        report("single-bit flips (envelope, checksum, sample)", name, &tally);
        assert_eq!(tally.tested, positions.len() * 8);
        assert_eq!(fixture(name), bytes, "{name} unchanged");
    }
}

/// Every byte, every bit, of the two large fixtures (about 300,000 decodes; run it in release:
/// `cargo test --release --test store_corruption -- --ignored --nocapture`).
#[test]
#[ignore = "exhaustive: ~300,000 decodes; run with --release"]
fn every_single_bit_flip_of_the_large_fixtures_is_rejected_with_its_category() {
    for name in ["full_intake.json", "amended.json"] {
        let id = CORPUS.iter().find(|(n, _)| *n == name).unwrap().1;
        let bytes = fixture(name);
        let positions: Vec<usize> = (0..bytes.len()).collect();
        let started = std::time::Instant::now();
        let tally = in_parallel(&positions, |part| flips(&bytes, id, part));
        report("single-bit flips", name, &tally);
        eprintln!("{name}: {:?}", started.elapsed());
        assert_eq!(tally.tested, bytes.len() * 8);
        assert_eq!(fixture(name), bytes, "{name} unchanged");
    }
}

/// Drafts go through the same envelope and checksum (their answers are kept as typed, so the
/// checksum is all that stands between a damaged draft and a recovered one): every truncation is
/// `truncated`, every flip is rejected, a higher schema_version is `too_new`.
#[test]
fn every_truncation_and_bit_flip_of_a_draft_is_rejected() {
    let mut draft = Draft::new("01KAPZ0000000000000000DR01".into(), Some(SMALL_ID.into()), Some(3), at(9, 5));
    draft.section = Some("pain".into());
    draft.answers.insert("patient.name".into(), json!("Zoë Ångström"));
    draft.answers.insert("pain.now".into(), json!("1x")); // half-typed, kept as typed
    draft.answers.insert("complaint.regions".into(), json!(["lower_back"]));
    let bytes = draft.to_bytes().unwrap();
    assert_eq!(Draft::decode(&bytes, Some(&draft.id)), Ok(draft.clone()), "the draft decodes before it is damaged");
    let decode = |b: &[u8]| match catch_unwind(AssertUnwindSafe(|| Draft::decode(b, Some(&draft.id)))) {
        Ok(Ok(_)) => Outcome::Current,
        Ok(Err(problem)) => Outcome::Rejected(problem.category()),
        Err(_) => Outcome::Panicked("draft decode".into()),
    };
    let mut tally = Tally::default();
    for len in 0..bytes.len() {
        let outcome = decode(&bytes[..len]);
        tally.note(format!("draft prefix of {len} bytes"), &outcome, outcome == Outcome::Rejected("truncated"));
    }
    report("draft truncations", "draft", &tally);
    let mut tally = Tally::default();
    let mut flipped = bytes.clone();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            flipped[i] ^= 1 << bit;
            let outcome = decode(&flipped);
            let expected = match judge_as(&flipped, record::DRAFT_FORMAT) {
                Expected::Newer(_) => "too_new",
                Expected::Category(category) => category,
            };
            tally.note(
                format!("draft byte {i} bit {bit} (judged {expected})"),
                &outcome,
                outcome == Outcome::Rejected(expected),
            );
            flipped[i] ^= 1 << bit;
        }
    }
    report("draft single-bit flips", "draft", &tally);
    assert!(tally.seen.contains_key("too_new"), "{:?}", tally.seen);
}

/// Hand-made damage beyond truncation and bit flips (reliability.md §6, T6).
#[test]
fn other_damage_is_rejected_with_its_category_and_nothing_panics() {
    let good = fixture("small.json");
    let text = String::from_utf8(good.clone()).unwrap();
    let replaced = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1).into_bytes()
    };
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(&good);
    let mut trailing = good.clone();
    trailing.extend(b"x");
    let mut too_large = good.clone();
    too_large.extend(std::iter::repeat_n(b' ', record::MAX_RECORD_BYTES));
    let six_mib = replaced("Line one", &"a".repeat(6 * 1024 * 1024));
    let latin1 = {
        let at = good.windows(2).position(|w| w == "é".as_bytes()).unwrap();
        [&good[..at], &[0xe9], &good[at + 2..]].concat()
    };
    let no_checksum = {
        let start = text.find(",\n  \"checksum\"").unwrap();
        format!("{}\n}}", &text[..start]).into_bytes()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "truncated"),
        ("only whitespace", b"  \n".to_vec(), "truncated"),
        ("JSON null", b"null".to_vec(), "wrong_format"),
        ("JSON array", b"[]".to_vec(), "wrong_format"),
        ("JSON number", b"42".to_vec(), "wrong_format"),
        ("JSON string", b"\"physio-intake/assessment\"".to_vec(), "wrong_format"),
        ("empty object", b"{}".to_vec(), "wrong_format"),
        ("a draft's format", replaced("physio-intake/assessment", "physio-intake/draft"), "wrong_format"),
        ("another program's format", replaced("physio-intake/assessment", "other/assessment"), "wrong_format"),
        ("no schema_version", replaced("\"schema_version\": 1,", ""), "wrong_format"),
        ("schema_version 0", replaced("\"schema_version\": 1", "\"schema_version\": 0"), "wrong_format"),
        ("schema_version as text", replaced("\"schema_version\": 1", "\"schema_version\": \"1\""), "wrong_format"),
        ("schema_version negative", replaced("\"schema_version\": 1", "\"schema_version\": -1"), "wrong_format"),
        ("schema_version fractional", replaced("\"schema_version\": 1", "\"schema_version\": 1.5"), "wrong_format"),
        ("no checksum", no_checksum, "invalid"),
        ("checksum changed", replaced("crc32:", "crc32:0"), "invalid"),
        ("answer edited by hand", replaced("\"pain.now\": 4", "\"pain.now\": 5"), "invalid"),
        ("a 6 MiB answer", six_mib, "invalid"),
        ("larger than the limit", too_large, "invalid"),
        ("garbage after the record", trailing, "not_json"),
        ("UTF-8 byte order mark", bom, "not_json"),
        ("UTF-16", utf16, "not_json"),
        ("Latin-1 name", latin1, "not_json"),
        ("deep nesting of arrays", "[".repeat(100_000).into_bytes(), "not_json"),
        ("deep nesting of objects", "{\"a\":".repeat(100_000).into_bytes(), "not_json"),
        ("NUL bytes", vec![0; 4096], "not_json"),
    ];
    for (what, bytes, want) in cases {
        let outcome = decode_caught(&bytes, SMALL_ID);
        assert_eq!(outcome, Outcome::Rejected(want), "{what}");
    }
    // Whitespace is not content: the checksum is over the compact form, so a file re-indented by
    // an editor (or given a trailing newline) still loads.
    let mut newline = good.clone();
    newline.push(b'\n');
    assert_eq!(decode_caught(&newline, SMALL_ID), Outcome::Current);
    assert_eq!(decode_caught(&replaced("\"schema_version\": 1", "\"schema_version\": 2"), SMALL_ID), Outcome::Newer(2));
}

/// A key written twice: every JSON reader keeps one of the two values, and a person reading the
/// file may see the other. reliability.md T6 lists duplicate keys among the damage to reject.
#[test]
fn a_record_with_a_duplicated_key_is_rejected() {
    let text = String::from_utf8(fixture("small.json")).unwrap();
    let doubled = text.replacen("\"pain.now\": 4,", "\"pain.now\": 9,\n    \"pain.now\": 4,", 1);
    assert_ne!(doubled, text);
    assert!(
        matches!(decode_caught(doubled.as_bytes(), SMALL_ID), Outcome::Rejected(_)),
        "{:?}",
        decode_caught(doubled.as_bytes(), SMALL_ID)
    );
}

// --- Through the real store, on disk ------------------------------------------------------------

/// Text answers of a fixture (patient data): a message must never repeat them.
fn patient_texts(bytes: &[u8]) -> Vec<String> {
    let value: Value = serde_json::from_slice(bytes).unwrap();
    let answers = value["answers"].as_object().unwrap();
    answers.values().filter_map(Value::as_str).filter(|s| s.len() >= 4).map(str::to_owned).collect()
}

/// A random sample of truncations and bit flips (200 unless `PHYSIO_CORRUPTION_SAMPLES` says)
/// written as record files and opened by `Store::load` (half) or found by `Store::list` (half):
/// each is moved to quarantine/ with exactly the bytes written, named by category and id, the
/// error names the record, the category and where it went and no patient data, and `list` reports
/// it under `quarantined` without failing. A flip that raised schema_version stays in place,
/// byte-identical, listed read-only.
#[test]
fn a_sample_of_corrupt_files_on_disk_is_quarantined_byte_for_byte_and_listed() {
    let mut rng = XorShift::from_env_or_clock("PHYSIO_CORRUPTION_SEED");
    let samples: usize = std::env::var("PHYSIO_CORRUPTION_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let corpus: Vec<(&str, &str, Vec<u8>, Vec<String>)> = CORPUS
        .iter()
        .map(|(name, id)| {
            let bytes = fixture(name);
            let texts = patient_texts(&bytes);
            (*name, *id, bytes, texts)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut kept: Vec<(PathBuf, Vec<u8>, &'static str)> = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    // First a few aimed at the categories random damage rarely reaches, then the random sample.
    let small = &corpus[0].2;
    let format_at = small.windows(8).position(|w| w == b"physio-i").unwrap();
    let schema_at = schema_digits(small).start;
    let aimed = [(format_at, 5), (schema_at, 1), (schema_at, 0), (0, 0)];
    for n in 0..samples {
        let (name, id, good, texts) = &corpus[if n < aimed.len() { 0 } else { rng.below(corpus.len()) }];
        let (damage, bytes) = if let Some(&(i, bit)) = aimed.get(n) {
            let mut bytes = good.clone();
            bytes[i] ^= 1 << bit;
            (format!("{name} byte {i} bit {bit}"), bytes)
        } else if rng.below(2) == 0 {
            let len = rng.below(good.len());
            (format!("{name} cut to {len} bytes"), good[..len].to_vec())
        } else {
            let (i, bit) = (rng.below(good.len()), rng.below(8));
            let mut bytes = good.clone();
            bytes[i] ^= 1 << bit;
            (format!("{name} byte {i} bit {bit}"), bytes)
        };
        let path = store.records_dir().join(format!("{id}.json"));
        std::fs::write(&path, &bytes).unwrap();
        let before = store.quarantined();
        match decode_caught(&bytes, id) {
            Outcome::Rejected(category) => {
                let moved_to = if n % 2 == 0 {
                    let error = store.load(id, content()).expect_err(&damage);
                    let message = error.to_string();
                    let StoreError::Quarantined { id: named, moved_to, category: got, .. } = error else {
                        panic!("{damage}: {message}")
                    };
                    assert_eq!((named.as_str(), got), (*id, category), "{damage}");
                    assert!(message.contains(id) && message.contains(category), "{damage}: {message}");
                    assert!(message.contains(&moved_to.display().to_string()), "{damage}: {message}");
                    for text in texts {
                        assert!(
                            !message.contains(text.as_str()),
                            "{damage}: the message repeats patient data: {message}"
                        );
                    }
                    moved_to
                } else {
                    let listing = store.list(content()).expect("a corrupt file does not make list fail");
                    assert!(listing.records.iter().all(|r| r.id != *id), "{damage}");
                    let new: Vec<_> = listing.quarantined.iter().filter(|q| !before.contains(q)).collect();
                    assert_eq!(new.len(), 1, "{damage}: {new:?}");
                    assert_eq!(new[0].problem, category, "{damage}");
                    new[0].file.clone()
                };
                assert!(!path.exists(), "{damage}: the file was moved, not copied");
                assert_eq!(moved_to.parent(), Some(store.quarantine_dir().as_path()), "{damage}");
                let file_name = moved_to.file_name().unwrap().to_str().unwrap();
                assert!(file_name.starts_with(&format!("{category}--{id}.json")), "{damage}: {file_name}");
                assert_eq!(std::fs::read(&moved_to).unwrap(), bytes, "{damage}: quarantined byte for byte");
                let listing = store.list(content()).unwrap();
                let entry = Quarantined { file: moved_to.clone(), problem: category.to_owned() };
                assert!(listing.quarantined.contains(&entry), "{damage}: {entry:?} not listed");
                assert!(CATEGORIES.contains(&category));
                *seen.entry(category).or_default() += 1;
                kept.push((moved_to, bytes, category));
            }
            Outcome::Newer(schema) => {
                assert!(
                    matches!(store.load(id, content()), Ok(Decoded::Newer { schema_version, .. }) if schema_version == schema)
                );
                let listing = store.list(content()).unwrap();
                assert!(listing.records.iter().any(|r| r.id == *id && r.read_only), "{damage}: listed read-only");
                assert_eq!(std::fs::read(&path).unwrap(), bytes, "{damage}: a newer file is left as it is");
                assert_eq!(store.quarantined(), before, "{damage}: and never quarantined");
                std::fs::remove_file(&path).unwrap();
                *seen.entry("newer (read-only, left in place)").or_default() += 1;
            }
            other => panic!("{damage}: {other:?}"),
        }
    }
    eprintln!("{samples} corrupt files through the store: {seen:?}");
    for category in ["truncated", "not_json", "wrong_format", "invalid", "newer (read-only, left in place)"] {
        assert!(seen.contains_key(category), "{category} never reached the store: {seen:?}");
    }
    // Later files of the same name never overwrote an earlier quarantined one.
    let listing = store.list(content()).unwrap();
    assert!(listing.records.is_empty());
    assert_eq!(listing.quarantined.len(), kept.len());
    for (path, bytes, category) in &kept {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} kept byte for byte", path.display());
        assert!(listing.quarantined.contains(&Quarantined { file: path.clone(), problem: (*category).to_owned() }));
    }
    for (name, _, good, _) in &corpus {
        assert_eq!(&fixture(name), good, "{name} unchanged");
    }
}

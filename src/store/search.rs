//! Filtering the records list as the user types, fast at any size: each entry's text is made
//! lowercase once, when the list is loaded, and a query that only extends the previous one
//! searches only what the previous one matched. Pure (no files).
//!
//! The matching is the records screen's: every whitespace-separated word of the query, in
//! lowercase, must appear in the entry's patient name, visit date, status (with `_` read as a
//! space) or verdict (massage tier and referral), joined by spaces.

use super::index::ListEntry;

/// The records list, ready to be filtered.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Every entry's lowercase text, one after another.
    text: String,
    /// Where each entry's text ends in `text` (it starts where the previous one ends).
    ends: Vec<usize>,
    /// The last query and what it matched, to narrow from when the next one extends it.
    last: Option<(Vec<String>, Vec<usize>)>,
}

/// The text an entry is searched in, before lowercasing: exactly as the records screen builds it.
pub fn haystack(entry: &ListEntry) -> String {
    format!(
        "{} {} {} {}",
        entry.patient.as_deref().unwrap_or(""),
        entry.visit_date.as_deref().unwrap_or(""),
        entry.status.replace('_', " "),
        entry.verdict.as_ref().map_or(String::new(), |v| format!("{} {}", v.massage, v.referral))
    )
}

fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

impl RecordFilter {
    /// Build once per loaded list (linear in its size).
    pub fn new(entries: &[ListEntry]) -> RecordFilter {
        let mut text = String::with_capacity(entries.len() * 48);
        let mut ends = Vec::with_capacity(entries.len());
        for entry in entries {
            text.push_str(&haystack(entry).to_lowercase());
            ends.push(text.len());
        }
        RecordFilter { text, ends, last: None }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn entry_text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..self.ends[i]).unwrap_or_default()
    }

    fn matches(&self, i: usize, words: &[String]) -> bool {
        let text = self.entry_text(i);
        words.iter().all(|w| text.contains(w.as_str()))
    }

    /// The positions (in the list given to [`RecordFilter::new`]) of the entries that match
    /// `query`, in order. Pure: the same answer as [`RecordFilter::matching_from`] gives.
    pub fn matching(&self, query: &str) -> Vec<usize> {
        let words = words(query);
        (0..self.len()).filter(|&i| self.matches(i, &words)).collect()
    }

    /// As [`RecordFilter::matching`], remembering the answer: when the next query only narrows
    /// this one (each of this query's words is inside one of the next query's words, as when a
    /// letter is typed), only this answer's entries are searched.
    pub fn matching_from(&mut self, query: &str) -> Vec<usize> {
        let words = words(query);
        let narrows = |before: &[String]| before.iter().all(|old| words.iter().any(|new| new.contains(old.as_str())));
        let found: Vec<usize> = match &self.last {
            Some((before, found)) if narrows(before) => {
                found.iter().copied().filter(|&i| self.matches(i, &words)).collect()
            }
            _ => (0..self.len()).filter(|&i| self.matches(i, &words)).collect(),
        };
        self.last = Some((words, found.clone()));
        found
    }
}

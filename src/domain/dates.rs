//! Calendar arithmetic for the visit: age in whole years and days between dates.

use chrono::{Datelike, NaiveDate};

/// Whole years from `dob` to `on`. A person born on 29 February turns a year older on 1 March in
/// years without that day (the day after 28 February), as most registries count it.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> Option<u32> {
    if dob > on {
        return None;
    }
    let mut years = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// `later - earlier` in whole days (negative when `earlier` is after `later`).
pub fn days_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later - earlier).num_days()
}

/// Parse a date written exactly `YYYY-MM-DD` (no other forms are accepted, so a typed date is
/// never silently reinterpreted).
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        parse_iso_date(text).unwrap()
    }

    #[test]
    fn age_turns_on_the_birthday_not_the_day_before() {
        assert_eq!(age_on(d("1976-06-15"), d("2026-06-14")), Some(49));
        assert_eq!(age_on(d("1976-06-15"), d("2026-06-15")), Some(50));
    }

    #[test]
    fn leap_day_birthdays_turn_on_the_first_of_march_in_common_years() {
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), Some(17));
        assert_eq!(age_on(d("2008-02-29"), d("2026-03-01")), Some(18));
        assert_eq!(age_on(d("2008-02-29"), d("2028-02-29")), Some(20));
    }

    #[test]
    fn no_age_before_birth() {
        assert_eq!(age_on(d("2026-06-16"), d("2026-06-15")), None);
    }

    #[test]
    fn days_count_whole_days() {
        assert_eq!(days_between(d("2026-06-12"), d("2026-06-15")), 3);
        assert_eq!(days_between(d("2025-12-31"), d("2026-01-01")), 1);
    }

    #[test]
    fn only_strict_iso_dates_parse() {
        assert!(parse_iso_date("2026-02-28").is_some());
        for bad in ["2026-2-28", "2026-02-30", "28/02/2026", "2026-02-28T00:00", " 2026-02-28", "", "２０２６-02-28"]
        {
            assert!(parse_iso_date(bad).is_none(), "{bad}");
        }
    }
}

/// Stage of the condition from onset to visit (INTAKE.md): under 21 days acute, 21 to 42 days
/// subacute, over 42 days chronic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Acute,
    Subacute,
    Chronic,
}

impl Stage {
    pub fn from_days(days: i64) -> Stage {
        match days {
            ..21 => Stage::Acute,
            21..=42 => Stage::Subacute,
            _ => Stage::Chronic,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::Acute => "acute",
            Stage::Subacute => "subacute",
            Stage::Chronic => "chronic",
        }
    }
}

#[cfg(test)]
mod stage_tests {
    use super::Stage;

    #[test]
    fn stage_boundaries_are_21_and_42_days() {
        assert_eq!(Stage::from_days(0), Stage::Acute);
        assert_eq!(Stage::from_days(20), Stage::Acute);
        assert_eq!(Stage::from_days(21), Stage::Subacute);
        assert_eq!(Stage::from_days(42), Stage::Subacute);
        assert_eq!(Stage::from_days(43), Stage::Chronic);
    }
}

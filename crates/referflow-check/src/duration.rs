//! Durations: `30min`, `24h`, `7d`, `2w`, `5wd`, counted in minutes. A working day counts as
//! 1.4 calendar days (5 working days = 7 days, the bound without public holidays).

use std::fmt;

/// One working day in minutes: 1.4 × 24 × 60. The units are the language's
/// (`referflow_syntax::language::UNITS`).
pub use referflow_syntax::language::WORKING_DAY_MINUTES;

/// A time in whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minutes(pub u64);

impl Minutes {
    pub fn hours(self) -> f64 {
        self.0 as f64 / 60.0
    }

    pub fn checked_add(self, other: Minutes) -> Option<Minutes> {
        self.0.checked_add(other.0).map(Minutes)
    }
}

/// Readable: `20d`, `2d 4h`, `1w 2d`, `45min`, `0min`.
impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0min");
        }
        let mut parts = Vec::new();
        for (unit, size) in [("d", 24 * 60), ("h", 60), ("min", 1)] {
            let n = rest / size;
            rest %= size;
            if n > 0 {
                parts.push(format!("{n}{unit}"));
            }
        }
        f.write_str(&parts.join(" "))
    }
}

/// Why a duration is invalid (RF005).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    Zero,
    NoUnit,
    UnknownUnit(String),
    TooLarge,
}

/// Reads a duration as the grammar delivers it: digits, then letters.
pub fn parse(text: &str) -> Result<Minutes, DurationError> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let Some(size) = referflow_syntax::language::unit(unit).map(|u| u.minutes) else {
        return Err(if unit.is_empty() { DurationError::NoUnit } else { DurationError::UnknownUnit(unit.to_string()) });
    };
    let amount: u64 = number.parse().map_err(|_| DurationError::TooLarge)?;
    if amount == 0 {
        return Err(DurationError::Zero);
    }
    amount.checked_mul(size).map(Minutes).ok_or(DurationError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_count_in_minutes() {
        assert_eq!(parse("30min"), Ok(Minutes(30)));
        assert_eq!(parse("24h"), Ok(Minutes(1440)));
        assert_eq!(parse("7d"), Ok(Minutes(10080)));
        assert_eq!(parse("2w"), Ok(Minutes(20160)));
        assert_eq!(parse("5wd"), parse("7d"));
    }

    #[test]
    fn bad_durations_say_why() {
        assert_eq!(parse("0h"), Err(DurationError::Zero));
        assert_eq!(parse("24"), Err(DurationError::NoUnit));
        assert_eq!(parse("3y"), Err(DurationError::UnknownUnit("y".into())));
        assert_eq!(parse("24H"), Err(DurationError::UnknownUnit("H".into())));
        assert_eq!(parse("99999999999999999999999h"), Err(DurationError::TooLarge));
        assert_eq!(parse("999999999999999999w"), Err(DurationError::TooLarge));
    }

    #[test]
    fn sums_read_as_people_write_them() {
        assert_eq!(Minutes(20 * 1440).to_string(), "20d");
        assert_eq!(Minutes(2 * 1440 + 4 * 60).to_string(), "2d 4h");
        assert_eq!(Minutes(45).to_string(), "45min");
        assert_eq!(parse("1wd").unwrap().to_string(), "1d 9h 36min");
    }
}

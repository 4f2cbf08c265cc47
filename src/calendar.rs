//! Working days: weekdays, minus public holidays, plus makeup working days (调休).
//! Pure functions of dates.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Which days are working days, for the years a holiday calendar covers.
#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    /// First covered day (1 January of the first year).
    first: NaiveDate,
    /// One flag per covered day: is it a working day.
    workday: Vec<bool>,
    /// Names of declared days (holidays and makeup days), for `show`.
    names: Vec<(NaiveDate, String)>,
}

/// A declared holiday range or makeup working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    /// Days off, inclusive.
    Holiday { name: String, from: NaiveDate, to: NaiveDate },
    /// A weekend day that is worked.
    Workday { name: String, date: NaiveDate },
}

impl Calendar {
    /// A calendar covering `years` (inclusive) with the declared days applied in order.
    pub(crate) fn new(years: (i32, i32), declared: &[Declared]) -> Calendar {
        let first = NaiveDate::from_ymd_opt(years.0, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(years.1, 12, 31).unwrap_or(first);
        let days = (last - first).num_days().max(-1) + 1;
        let workday = (0..days).map(|i| is_weekday(first + Days::new(i as u64))).collect();
        let mut cal = Calendar { first, workday, names: Vec::new() };
        for d in declared {
            match d {
                Declared::Holiday { name, from, to } => {
                    for day in from.iter_days().take_while(|day| day <= to) {
                        cal.set(day, false);
                        cal.names.push((day, name.clone()));
                    }
                }
                Declared::Workday { name, date } => {
                    cal.set(*date, true);
                    cal.names.push((*date, name.clone()));
                }
            }
        }
        cal.names.sort();
        cal
    }

    /// A calendar that knows weekends only.
    pub(crate) fn weekends_only() -> Calendar {
        Calendar { first: NaiveDate::MIN, workday: Vec::new(), names: Vec::new() }
    }

    fn index(&self, d: NaiveDate) -> Option<usize> {
        let i = (d - self.first).num_days();
        (i >= 0 && (i as usize) < self.workday.len()).then_some(i as usize)
    }

    fn set(&mut self, d: NaiveDate, working: bool) {
        if let Some(i) = self.index(d) {
            self.workday[i] = working;
        }
    }

    /// Whether the calendar knows the holidays of this date's year.
    pub(crate) fn covers(&self, d: NaiveDate) -> bool {
        self.index(d).is_some()
    }

    /// The covered years, if any.
    pub(crate) fn years(&self) -> Option<(i32, i32)> {
        let last = self.first.checked_add_days(Days::new(self.workday.len().checked_sub(1)? as u64))?;
        Some((self.first.year(), last.year()))
    }

    /// Whether a date is a working day (weekends only outside the covered years).
    pub(crate) fn is_workday(&self, d: NaiveDate) -> bool {
        match self.index(d) {
            Some(i) => self.workday[i],
            None => is_weekday(d),
        }
    }

    /// The name of a declared day (a holiday or makeup day), if any.
    #[cfg(test)]
    pub(crate) fn name_of(&self, d: NaiveDate) -> Option<&str> {
        self.names.binary_search_by(|(day, _)| day.cmp(&d)).ok().map(|i| self.names[i].1.as_str())
    }

    /// The date itself if it is a working day, else the next working day.
    pub(crate) fn roll(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while !self.is_workday(day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
        }
        day
    }

    /// The n-th working day after `d` (`d` itself not counted); n = 0 gives `roll(d)`.
    pub(crate) fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return self.roll(d);
        }
        let mut day = d;
        let mut left = n;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_workday(day) {
                left -= 1;
            }
        }
        day
    }

    /// The n-th working day before `d` (`d` itself not counted).
    pub(crate) fn sub_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            match day.pred_opt() {
                Some(prev) => day = prev,
                None => return day,
            }
            if self.is_workday(day) {
                left -= 1;
            }
        }
        day
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The built-in calendar file, also written by `init`.
pub(crate) const BUILTIN_CN: &str = include_str!("../rules/calendars/cn.yaml");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::calendar_file::builtin;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn covers_2004_through_2026() {
        let cal = builtin();
        assert_eq!(cal.years(), Some((2004, 2026)));
        assert!(cal.covers(d("2004-01-01")) && cal.covers(d("2026-12-31")));
        assert!(!cal.covers(d("2003-12-31")) && !cal.covers(d("2027-01-01")));
    }

    #[test]
    fn makeup_weekend_days_are_working_days() {
        let cal = builtin();
        for day in [
            "2024-09-29",
            "2025-01-26",
            "2025-02-08",
            "2025-10-11",
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2005-12-31",
        ] {
            assert!(cal.is_workday(d(day)), "{day} is a makeup working day");
        }
        assert_eq!(cal.name_of(d("2025-02-08")), Some("春节调休上班"));
    }

    #[test]
    fn holidays_on_weekdays_are_not_working_days() {
        let cal = builtin();
        for day in [
            "2024-10-01",
            "2024-10-07",
            "2025-01-28",
            "2025-02-04",
            "2025-10-08",
            "2026-02-23",
            "2015-09-03",
            "2004-01-22",
        ] {
            assert!(!cal.is_workday(d(day)), "{day} is a holiday");
        }
        assert!(cal.is_workday(d("2024-10-08")));
    }

    #[test]
    fn workdays_across_national_day_2024() {
        let cal = builtin();
        // 2024-09-27 (Fri) + 2 workdays: 09-29 (makeup Sunday) is the 1st, 09-30 the 2nd.
        assert_eq!(cal.add_workdays(d("2024-09-27"), 2), d("2024-09-30"));
        // From 09-30: Oct 1-7 are off, so the 1st working day is 10-08.
        assert_eq!(cal.add_workdays(d("2024-09-30"), 1), d("2024-10-08"));
        assert_eq!(cal.add_workdays(d("2024-09-30"), 3), d("2024-10-10"));
        assert_eq!(cal.sub_workdays(d("2024-10-08"), 1), d("2024-09-30"));
        assert_eq!(cal.sub_workdays(d("2024-10-08"), 2), d("2024-09-29"));
    }

    #[test]
    fn workdays_across_spring_festival_2025() {
        let cal = builtin();
        // Fri 01-24, Sat 01-25 off, Sun 01-26 makeup, Mon 01-27 work, 01-28..02-04 off.
        assert_eq!(cal.add_workdays(d("2025-01-24"), 1), d("2025-01-26"));
        assert_eq!(cal.add_workdays(d("2025-01-24"), 2), d("2025-01-27"));
        assert_eq!(cal.add_workdays(d("2025-01-24"), 3), d("2025-02-05"));
        // Sat 02-08 is a makeup day: Fri 02-07 + 1 workday is 02-08.
        assert_eq!(cal.add_workdays(d("2025-02-07"), 1), d("2025-02-08"));
        assert_eq!(cal.add_workdays(d("2025-02-07"), 2), d("2025-02-10"));
    }

    #[test]
    fn rolling_lands_on_the_next_working_day() {
        let cal = builtin();
        assert_eq!(cal.roll(d("2025-10-01")), d("2025-10-09"));
        assert_eq!(cal.roll(d("2025-10-11")), d("2025-10-11"));
        assert_eq!(cal.roll(d("2025-10-12")), d("2025-10-13"));
        assert_eq!(cal.add_workdays(d("2025-10-12"), 0), d("2025-10-13"));
    }

    #[test]
    fn outside_the_covered_years_only_weekends_count() {
        let cal = builtin();
        // 2027-01-01 is a Friday: a working day for a calendar that has no 2027 notice.
        assert!(cal.is_workday(d("2027-01-01")));
        assert_eq!(cal.add_workdays(d("2027-01-01"), 1), d("2027-01-04"));
        assert!(Calendar::weekends_only().is_workday(d("2025-10-01")));
    }

    #[test]
    fn every_year_has_its_holidays_and_a_plausible_count_of_working_days() {
        let cal = builtin();
        for year in 2004..=2026 {
            let days = NaiveDate::from_ymd_opt(year, 1, 1).unwrap().iter_days().take_while(|x| x.year() == year);
            let working = days.filter(|x| cal.is_workday(*x)).count();
            assert!((245..=252).contains(&working), "{year} has {working} working days");
            assert!(!cal.is_workday(NaiveDate::from_ymd_opt(year, 10, 1).unwrap()));
            assert!(!cal.is_workday(NaiveDate::from_ymd_opt(year, 5, 1).unwrap()));
        }
    }
}

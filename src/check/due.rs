//! Due dates and warn windows: pure date arithmetic on a calendar.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::calendar::Calendar;
use crate::model::rule::{Interval, Within};

/// The due date of a clock started on `start`. The start day is not counted.
pub(crate) fn due_date(cal: &Calendar, start: NaiveDate, within: Within, roll: bool) -> NaiveDate {
    let raw = match within {
        Within::Workdays(n) => return cal.add_workdays(start, n),
        Within::Days(n) => start.checked_add_days(Days::new(n.into())),
        // chrono clamps to the month's last day (01-31 + 1 month = 02-28/29).
        Within::Months(n) => start.checked_add_months(Months::new(n)),
        Within::EndOfMonth(n) => start
            .with_day0(0)
            .and_then(|first| first.checked_add_months(Months::new(n + 1)))
            .and_then(|next_first| next_first.pred_opt()),
        // The promised date is the event's, given where the clock starts; a clock
        // is never started without one (see `check::clock`).
        Within::Promise => Some(start),
    }
    .unwrap_or(NaiveDate::MAX);
    if roll {
        cal.roll(raw)
    } else {
        raw
    }
}

/// The first day of the due-soon window before `due`.
pub(crate) fn warn_start(cal: &Calendar, due: NaiveDate, warn: Interval) -> NaiveDate {
    match warn {
        Interval::Workdays(n) => cal.sub_workdays(due, n),
        Interval::Days(n) => due.checked_sub_days(Days::new(n.into())).unwrap_or(NaiveDate::MIN),
    }
}

/// Whether a clock overdue since after `due` has been overdue for at least `after` as of `as_of`.
pub(crate) fn has_been_overdue_for(cal: &Calendar, due: NaiveDate, as_of: NaiveDate, after: Interval) -> bool {
    if as_of <= due {
        return false;
    }
    match after {
        Interval::Days(n) => (as_of - due).num_days() >= i64::from(n),
        Interval::Workdays(n) => n == 0 || cal.add_workdays(due, n) <= as_of,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::calendar_file::builtin;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn workdays_skip_holidays_and_count_makeup_days() {
        let cal = builtin();
        // Received Sat 2024-09-28 (a rest day): 1st working day after is Sun 09-29 (makeup), 2nd is 09-30.
        assert_eq!(due_date(&cal, d("2024-09-28"), Within::Workdays(2), true), d("2024-09-30"));
        // Received 2025-10-09 (Thu): 10-10 Fri, 10-11 Sat (makeup) -> 2 workdays is 10-11.
        assert_eq!(due_date(&cal, d("2025-10-09"), Within::Workdays(2), true), d("2025-10-11"));
        // Received 2025-09-30: Oct 1-8 off, so the 2nd working day is 10-10.
        assert_eq!(due_date(&cal, d("2025-09-30"), Within::Workdays(2), true), d("2025-10-10"));
        // Ten workdays from 2025-01-20 cross the 2025 Spring Festival: makeup Sun 01-26 is the
        // 5th, 01-28..02-04 are off, and makeup Sat 02-08 is the 10th.
        assert_eq!(due_date(&cal, d("2025-01-20"), Within::Workdays(10), true), d("2025-02-08"));
    }

    #[test]
    fn calendar_days_roll_to_the_next_working_day() {
        let cal = builtin();
        // 2025-09-24 + 14 days = 10-08, inside the holiday: rolls to 10-09.
        assert_eq!(due_date(&cal, d("2025-09-24"), Within::Days(14), true), d("2025-10-09"));
        assert_eq!(due_date(&cal, d("2025-09-24"), Within::Days(14), false), d("2025-10-08"));
        // 2025-01-12 + 14 = 01-26, a makeup Sunday: a working day, stays.
        assert_eq!(due_date(&cal, d("2025-01-12"), Within::Days(14), true), d("2025-01-26"));
        // 0 days: the start day, or the next working day.
        assert_eq!(due_date(&cal, d("2026-06-03"), Within::Days(0), true), d("2026-06-03"));
        assert_eq!(due_date(&cal, d("2026-06-06"), Within::Days(0), true), d("2026-06-08"));
        // Weeks are 7N days: 2024-09-17 + 14 = 10-01 -> 10-08.
        assert_eq!(due_date(&cal, d("2024-09-17"), Within::Days(14), true), d("2024-10-08"));
    }

    #[test]
    fn months_clamp_and_roll() {
        let cal = builtin();
        assert_eq!(due_date(&cal, d("2025-01-31"), Within::Months(1), false), d("2025-02-28"));
        assert_eq!(due_date(&cal, d("2024-01-31"), Within::Months(1), false), d("2024-02-29"));
        // 2025-09-01 + 1 month = 10-01, rolled past National Day to 10-09.
        assert_eq!(due_date(&cal, d("2025-09-01"), Within::Months(1), true), d("2025-10-09"));
    }

    #[test]
    fn end_of_month_and_next_month() {
        let cal = builtin();
        assert_eq!(due_date(&cal, d("2026-06-16"), Within::EndOfMonth(1), true), d("2026-07-31"));
        // End of January 2026 is Sat 01-31: rolls to Mon 02-02.
        assert_eq!(due_date(&cal, d("2026-01-05"), Within::EndOfMonth(0), true), d("2026-02-02"));
        assert_eq!(due_date(&cal, d("2026-01-05"), Within::EndOfMonth(0), false), d("2026-01-31"));
        // End of next month from December crosses the year: 2025-12-10 -> 2026-01-31 -> 02-02.
        assert_eq!(due_date(&cal, d("2025-12-10"), Within::EndOfMonth(1), true), d("2026-02-02"));
        // End of September 2025 (Tue 09-30) is a working day.
        assert_eq!(due_date(&cal, d("2025-08-15"), Within::EndOfMonth(1), true), d("2025-09-30"));
    }

    #[test]
    fn warn_windows() {
        let cal = builtin();
        // 1 workday before Thu 2025-10-09: the previous working day is Tue 09-30.
        assert_eq!(warn_start(&cal, d("2025-10-09"), Interval::Workdays(1)), d("2025-09-30"));
        assert_eq!(warn_start(&cal, d("2025-10-09"), Interval::Days(3)), d("2025-10-06"));
    }

    #[test]
    fn notice_delays() {
        let cal = builtin();
        let due = d("2026-06-18");
        assert!(!has_been_overdue_for(&cal, due, d("2026-06-18"), Interval::Days(0)));
        assert!(has_been_overdue_for(&cal, due, d("2026-06-19"), Interval::Days(0)));
        assert!(!has_been_overdue_for(&cal, due, d("2026-06-27"), Interval::Days(10)));
        assert!(has_been_overdue_for(&cal, due, d("2026-06-28"), Interval::Days(10)));
        // 2 workdays after Thu 06-18: Fri 06-19 is 端午 (off), so Mon 06-22, Tue 06-23.
        assert!(!has_been_overdue_for(&cal, due, d("2026-06-22"), Interval::Workdays(2)));
        assert!(has_been_overdue_for(&cal, due, d("2026-06-23"), Interval::Workdays(2)));
    }
}

//! The monthly trend behind the bulletin's and the dashboard's chart: the
//! same figures as everything else, computed month by month.

use chrono::{Datelike, Months, NaiveDate};

use crate::check::{Ledger, Snapshot};
use crate::report::figures::{compute, Figures};

/// The longest trend drawn; older months are left out.
pub(crate) const MAX_MONTHS: usize = 36;

/// One month of the trend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Month {
    /// First day of the month.
    pub(crate) start: NaiveDate,
    /// Its figures, as of the report's date.
    pub(crate) figures: Figures,
}

impl Month {
    /// "2026-06".
    pub(crate) fn key(&self) -> String {
        format!("{}-{:02}", self.start.year(), self.start.month())
    }
    /// "6月", or "2026年1月" for January and the first month drawn.
    pub(crate) fn label(&self, first: bool) -> String {
        if first || self.start.month() == 1 {
            format!("{}年{}月", self.start.year(), self.start.month())
        } else {
            format!("{}月", self.start.month())
        }
    }
    /// Department clocks due this month that were not met on time: replied
    /// late, or still open past their due date.
    pub(crate) fn overdue(&self) -> u64 {
        self.figures.replied_late() + self.figures.overdue_in_period()
    }
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The months to draw for a report of `[from, to]`: at least the twelve months
/// up to `to` (a monthly bulletin still shows a year), no month after the
/// as-of date, none before the first case, at most [`MAX_MONTHS`].
pub(crate) fn months(repo: &Ledger, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> Vec<NaiveDate> {
    let first_case = repo.cases.iter().filter_map(|c| c.received.as_ref().map(|r| r.value)).min();
    window(first_case, from, to, as_of)
}

fn window(first_case: Option<NaiveDate>, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> Vec<NaiveDate> {
    let last = month_start(to.min(as_of));
    let year_before = last.checked_sub_months(Months::new(11)).unwrap_or(last);
    let mut first = month_start(from).min(year_before);
    if let Some(f) = first_case {
        first = first.max(month_start(f)).min(last);
    }
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        out.push(m);
        m = match m.checked_add_months(Months::new(1)) {
            Some(n) => n,
            None => break,
        };
    }
    let skip = out.len().saturating_sub(MAX_MONTHS);
    out.split_off(skip)
}

/// The figures of each month, as of the snapshot's date.
pub(crate) fn monthly(snapshot: &Snapshot, months: &[NaiveDate]) -> Vec<Month> {
    use rayon::prelude::*;
    months
        .par_iter()
        .map(|&start| {
            let end = start.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(start);
            Month { start, figures: compute(snapshot, start, end).totals }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monthly_trend_reads_the_same_figures() {
        let repo = crate::check::fixture("tests/fixtures/report/basic");
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let as_of = d("2026-06-30");
        let snapshot = repo.as_of(as_of);
        let ms = months(&repo, d("2026-06-01"), d("2026-06-30"), as_of);
        // The first case was received in April; July is after the date.
        assert_eq!(ms, vec![d("2026-04-01"), d("2026-05-01"), d("2026-06-01")]);
        let trend = monthly(&snapshot, &ms);
        let june = &trend[2];
        let whole = compute(&snapshot, d("2026-06-01"), d("2026-06-30")).totals;
        assert_eq!(june.figures, whole);
        assert_eq!(
            (june.key(), june.label(false), trend[0].label(true)),
            ("2026-06".into(), "6月".into(), "2026年4月".into())
        );
        // Due in June and not met: R-2's reply, overdue.
        assert_eq!(june.overdue(), 1);
        assert_eq!((trend[0].figures.collected, trend[1].figures.collected), (1, 1));
        // Shorter than a year: the chart says it starts at the first case.
        assert_eq!(crate::report::chart::span(&trend), "自2026年4月（收到第一个问题）起至2026年6月");
    }

    #[test]
    fn at_most_three_years() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ms = window(Some(d("2019-03-04")), d("2020-01-01"), d("2026-12-31"), d("2026-12-31"));
        assert_eq!(ms.len(), MAX_MONTHS);
        assert_eq!(ms.last(), Some(&d("2026-12-01")));
        assert_eq!(window(None, d("2026-06-01"), d("2026-06-30"), d("2026-06-30")).len(), 12);
        let to_date = window(None, d("2026-01-01"), d("2026-12-31"), d("2026-03-15"));
        assert_eq!((to_date[0], to_date.len()), (d("2025-04-01"), 12), "no month after the date");
    }
}

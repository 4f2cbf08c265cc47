//! The departments of a period, worst first, never numbering one on fewer
//! assigned cases than the configured minimum; ranked on the year to date
//! when the period alone gives no department enough cases.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{Datelike, NaiveDate};

use crate::check::Snapshot;
use crate::report::figures::{compute, Figures, Report};
use crate::text::date_cn;

/// One department's row of the bulletin's table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row<'a> {
    /// Department name.
    pub(crate) department: &'a str,
    /// Its figures.
    pub(crate) figures: &'a Figures,
    /// Its place, 1 = worst; `None` when it has too few cases to be ranked.
    pub(crate) rank: Option<usize>,
}

/// Worse first: more overdue now, a lower on-time reply rate, more late
/// replies, a lower satisfaction rate; then by name, so the order is stable.
fn worse_first(a: &(&String, &Figures), b: &(&String, &Figures)) -> Ordering {
    let (fa, fb) = (a.1, b.1);
    let rate = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
    fb.overdue_now
        .cmp(&fa.overdue_now)
        .then(rate(fa.on_time_reply_rate.value).total_cmp(&rate(fb.on_time_reply_rate.value)))
        .then(fb.replied_late().cmp(&fa.replied_late()))
        .then(rate(fa.satisfaction_rate.value).total_cmp(&rate(fb.satisfaction_rate.value)))
        .then(a.0.cmp(b.0))
}

/// Every department with something in the figures, worst first. Those with
/// at least `min_cases` assigned cases are numbered 1, 2, …; the others keep
/// their place in the order, unnumbered, so the table never shows a better
/// department above a worse one.
pub(crate) fn departments(report: &Report, min_cases: u32) -> Vec<Row<'_>> {
    let mut all: Vec<(&String, &Figures)> = report.by_department.iter().collect();
    all.sort_by(worse_first);
    let mut place = 0;
    all.into_iter()
        .map(|(d, f)| {
            let rank = (f.assigned >= u64::from(min_cases)).then(|| {
                place += 1;
                place
            });
            Row { department: d, figures: f, rank }
        })
        .collect()
}

/// What a ranking was computed on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Basis {
    /// The period itself: some department had enough assigned cases in it.
    Period,
    /// The year to date (1 January to the period's end): the period alone had
    /// no department with enough cases, as in a small office's monthly bulletin.
    YearToDate {
        /// 1 January of the period's last year.
        from: NaiveDate,
        /// The period's last day.
        to: NaiveDate,
    },
}

impl Basis {
    /// How a table says what it ranks on: "本期" or "本年累计（2026年1月1日至2026年9月30日）".
    pub(crate) fn words(&self) -> String {
        match self {
            Basis::Period => "本期".to_string(),
            Basis::YearToDate { from, to } => format!("本年累计（{}至{}）", date_cn(*from), date_cn(*to)),
        }
    }
}

/// The departments ranked on the period when some department has at least
/// `min_cases` cases assigned in it, else on the year to date, so that a small
/// office still ranks; the figures shown are those ranked on.
pub(crate) fn rank<'r>(snapshot: &Snapshot, period: &'r Report, min_cases: u32) -> (Basis, Cow<'r, Report>) {
    let enough = |r: &Report| r.by_department.values().any(|f| f.assigned >= u64::from(min_cases));
    let year_start = NaiveDate::from_ymd_opt(period.to.year(), 1, 1).unwrap_or(period.from);
    if enough(period) || period.from <= year_start {
        return (Basis::Period, Cow::Borrowed(period));
    }
    let to = period.to.min(period.as_of);
    let year = compute(snapshot, year_start, to);
    if enough(&year) {
        (Basis::YearToDate { from: year_start, to }, Cow::Owned(year))
    } else {
        (Basis::Period, Cow::Borrowed(period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(assigned: u64, overdue_now: u64) -> Figures {
        let mut f = Figures::default();
        (f.assigned, f.overdue_now) = (assigned, overdue_now);
        f
    }

    #[test]
    fn worst_first_and_small_samples_unranked() {
        let mut r = Report::default();
        r.by_department.insert("甲局".into(), figures(5, 0));
        r.by_department.insert("乙局".into(), figures(3, 2));
        r.by_department.insert("丙局".into(), figures(2, 9));
        r.by_department.insert("丁局".into(), figures(4, 2));
        let rows = departments(&r, 3);
        let order: Vec<(&str, Option<usize>)> = rows.iter().map(|r| (r.department, r.rank)).collect();
        // 丙局 has the most overdue but only 2 cases: listed first, never numbered.
        // 丁局 and 乙局 tie on everything measured; the name decides (Unicode order: 丁 < 乙).
        assert_eq!(order, vec![("丙局", None), ("丁局", Some(1)), ("乙局", Some(2)), ("甲局", Some(3))]);
        let rows = departments(&r, 1);
        assert_eq!(rows[0].department, "丙局");
        assert!(rows.iter().all(|r| r.rank.is_some()));
    }

    /// tests/fixtures/report/basic/README.md, "Ranking".
    #[test]
    fn the_hand_computed_fixture_ranks_as_written_down() {
        use chrono::NaiveDate;
        let repo = crate::check::fixture("tests/fixtures/report/basic");
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let snapshot = repo.as_of(d("2026-06-30"));
        let report = crate::report::figures::compute(&snapshot, d("2026-06-01"), d("2026-06-30"));
        let order = |min| departments(&report, min).iter().map(|r| (r.department, r.rank)).collect::<Vec<_>>();
        assert_eq!(order(3), vec![("乙局", None), ("甲局", None), ("丙局", None)]);
        assert_eq!(order(1), vec![("乙局", Some(1)), ("甲局", Some(2)), ("丙局", None)]);

        // No department has 2 cases assigned in June; 甲局 has 2 in the year to date (R-3 in May, R-1 in June).
        let (basis, year) = rank(&snapshot, &report, 2);
        assert_eq!(basis, Basis::YearToDate { from: d("2026-01-01"), to: d("2026-06-30") });
        assert_eq!(basis.words(), "本年累计（2026年1月1日至2026年6月30日）");
        let order: Vec<_> = departments(&year, 2).iter().map(|r| (r.department, r.rank)).collect();
        assert_eq!(order, vec![("乙局", None), ("甲局", Some(1)), ("丙局", None)]);
        // Enough in the period: ranked on the period. Nobody has 3 even in the year: the period, unranked.
        assert_eq!(rank(&snapshot, &report, 1).0, Basis::Period);
        assert_eq!(rank(&snapshot, &report, 3).0, Basis::Period);
    }
}

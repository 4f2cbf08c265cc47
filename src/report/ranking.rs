//! The departments of a period, worst first, never ranking one on fewer
//! assigned cases than the configured minimum.

use std::cmp::Ordering;

use crate::report::figures::{Figures, Report};

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

/// Every department with something in the period: the ranked ones worst
/// first, then those below `min_cases` assigned cases, unranked, in the same order.
pub(crate) fn departments(report: &Report, min_cases: u32) -> Vec<Row<'_>> {
    let mut all: Vec<(&String, &Figures)> = report.by_department.iter().collect();
    all.sort_by(worse_first);
    let (ranked, unranked): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, f)| f.assigned >= u64::from(min_cases));
    let ranked = ranked.into_iter().enumerate().map(|(i, (d, f))| Row { department: d, figures: f, rank: Some(i + 1) });
    let unranked = unranked.into_iter().map(|(d, f)| Row { department: d, figures: f, rank: None });
    ranked.chain(unranked).collect()
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
        // 丙局 has the most overdue but only 2 cases: listed, never ranked.
        // 丁局 and 乙局 tie on everything measured; the name decides (Unicode order: 丁 < 乙).
        assert_eq!(order, vec![("丁局", Some(1)), ("乙局", Some(2)), ("甲局", Some(3)), ("丙局", None)]);
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
        assert_eq!(order(3), vec![("乙局", None), ("甲局", None)]);
        assert_eq!(order(1), vec![("乙局", Some(1)), ("甲局", Some(2))]);
    }
}

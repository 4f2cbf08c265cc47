//! Periods: `--period 2026-06 | 2026-Q2 | 2026` or `--from/--to`, and the
//! as-of date a report of the period is looked at.

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

use crate::text::date_cn;

/// Parses `--period`: `2026-06`, `2026-Q2`, `2026` or a day `2026-03-18`, into (from, to, label).
pub(crate) fn parse_period(p: &str) -> Option<(NaiveDate, NaiveDate, String)> {
    let p = p.trim();
    let end_of =
        |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1)?.checked_add_months(chrono::Months::new(1))?.pred_opt();
    if let Some((y, q)) = p.split_once("-Q").or_else(|| p.split_once("-q")) {
        let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
        if !(1..=4).contains(&q) {
            return None;
        }
        let label = format!("{y}年第{}季度", ["一", "二", "三", "四"][q as usize - 1]);
        return Some((NaiveDate::from_ymd_opt(y, q * 3 - 2, 1)?, end_of(y, q * 3)?, label));
    }
    // One day: the daily 晾晒 of a hotline report.
    if let Ok(day) = NaiveDate::parse_from_str(p, "%Y-%m-%d") {
        return Some((day, day, date_cn(day)));
    }
    if let Some((y, m)) = p.split_once('-') {
        let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
        return Some((NaiveDate::from_ymd_opt(y, m, 1)?, end_of(y, m)?, format!("{y}年{m}月")));
    }
    let y: i32 = p.parse().ok()?;
    Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?, format!("{y}年")))
}

/// A period resolved from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Period {
    /// First day, inclusive.
    pub(crate) from: NaiveDate,
    /// Last day, inclusive.
    pub(crate) to: NaiveDate,
    /// How a document names it: 2026年6月, 2026年第二季度, or 2026年6月1日至2026年6月15日.
    pub(crate) label: String,
    /// The date the repository is looked at.
    pub(crate) as_of: NaiveDate,
}

/// `--period`, or `--from`/`--to` (either may be left out: the other end is the
/// month's), or the month of the date. The as-of date defaults to the end of
/// the period, or today if sooner.
pub(crate) fn resolve(
    period: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Period> {
    let (from, to, label) = match (period, from, to) {
        (Some(p), None, None) => parse_period(p)
            .ok_or_else(|| anyhow!("期间「{p}」无法识别，请写 2026-06、2026-Q2、2026 或一天 2026-03-18"))?,
        (Some(_), _, _) => bail!("--period 与 --from/--to 只能用一种"),
        (None, None, None) => {
            let d = as_of.unwrap_or(today);
            parse_period(&d.format("%Y-%m").to_string()).ok_or_else(|| anyhow!("日期超出范围"))?
        }
        (None, f, t) => {
            let anchor = f.or(t).unwrap_or(today);
            let (month_from, month_to, _) =
                parse_period(&anchor.format("%Y-%m").to_string()).ok_or_else(|| anyhow!("日期超出范围"))?;
            let (f, t) = (f.unwrap_or(month_from), t.unwrap_or(month_to));
            let label = if f == t { date_cn(f) } else { format!("{}至{}", date_cn(f), date_cn(t)) };
            (f, t, label)
        }
    };
    if from > to {
        bail!("期间的开始日 {from} 晚于结束日 {to}");
    }
    Ok(Period { from, to, label, as_of: as_of.unwrap_or_else(|| to.min(today)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let (f, t, l) = parse_period("2026-06").unwrap();
        assert_eq!((f.to_string(), t.to_string(), l.as_str()), ("2026-06-01".into(), "2026-06-30".into(), "2026年6月"));
        let (f, t, l) = parse_period("2026-Q4").unwrap();
        assert_eq!(
            (f.to_string(), t.to_string(), l.as_str()),
            ("2026-10-01".into(), "2026-12-31".into(), "2026年第四季度")
        );
        let (f, t, _) = parse_period("2024-02").unwrap();
        assert_eq!((f.to_string(), t.to_string()), ("2024-02-01".into(), "2024-02-29".into()));
        assert_eq!(parse_period("2026").unwrap().2, "2026年");
        assert!(
            parse_period("2026-13").is_none() && parse_period("2026-Q5").is_none() && parse_period("六月").is_none()
        );
    }

    #[test]
    fn the_as_of_date_defaults_to_the_end_of_the_period_or_today() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-11-22");
        let p = resolve(Some("2026-06"), None, None, None, today).unwrap();
        assert_eq!((p.from, p.to, p.as_of), (d("2026-06-01"), d("2026-06-30"), d("2026-06-30")));
        let p = resolve(Some("2026-Q4"), None, None, None, today).unwrap();
        assert_eq!(p.as_of, today, "a period not over yet is looked at today");
        let p = resolve(None, Some(d("2026-06-10")), None, Some(d("2026-07-01")), today).unwrap();
        assert_eq!(
            (p.to, p.as_of, p.label.as_str()),
            (d("2026-06-30"), d("2026-07-01"), "2026年6月10日至2026年6月30日")
        );
        let p = resolve(None, None, None, Some(d("2026-03-05")), today).unwrap();
        assert_eq!((p.from, p.label.as_str()), (d("2026-03-01"), "2026年3月"));
        assert!(resolve(Some("2026-06"), Some(d("2026-06-01")), None, None, today).is_err());
        assert!(resolve(None, Some(d("2026-06-30")), Some(d("2026-06-01")), None, today).is_err());
        assert!(resolve(Some("六月"), None, None, None, today).is_err());
    }
}

//! Printing a rate: "95.96%（119/124）", or "—" when nothing was counted.
//! Computed on integers, so truncation never suffers from 0.1 + 0.2.

use crate::model::ReportSettings;
use crate::report::figures::Rate;

/// The percentage alone, e.g. "95.96%", or "—" at a zero denominator.
pub(crate) fn percent(rate: &Rate, s: &ReportSettings) -> String {
    if rate.den == 0 {
        return "—".to_string();
    }
    let decimals = s.decimals_of(rate.kind);
    let scale = 10u128.pow(decimals);
    let units = units(rate, s);
    let (whole, frac) = (units / scale, units % scale);
    if decimals == 0 {
        format!("{whole}%")
    } else {
        format!("{whole}.{frac:0width$}%", width = decimals as usize)
    }
}

/// The rate in units of the last printed decimal of the percentage:
/// 119/124 at two decimals is 9597 (rounded) or 9596 (cut).
fn units(rate: &Rate, s: &ReportSettings) -> u128 {
    let scale = 10u128.pow(s.decimals_of(rate.kind));
    let (num, den) = (u128::from(rate.num) * 100 * scale, u128::from(rate.den).max(1));
    // Round half up, as GB/T 8170 would for these positive quotients; or cut.
    if s.truncates(rate.kind) {
        num / den
    } else {
        (2 * num + den) / (2 * den)
    }
}

/// The rate as a fraction exactly as printed (0.9597 for 95.97%), for
/// spreadsheets that format it themselves; `None` at a zero denominator.
pub(crate) fn printed_fraction(rate: &Rate, s: &ReportSettings) -> Option<f64> {
    (rate.den > 0).then(|| units(rate, s) as f64 / (100.0 * 10f64.powi(s.decimals_of(rate.kind) as i32)))
}

/// The percentage with its numerator and denominator: "95.96%（119/124）".
pub(crate) fn with_counts(rate: &Rate, s: &ReportSettings) -> String {
    if rate.den == 0 {
        return "—".to_string();
    }
    format!("{}（{}/{}）", percent(rate, s), rate.num, rate.den)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(num: u64, den: u64) -> Rate {
        Rate::of(num, den)
    }

    #[test]
    fn each_rate_its_own_way() {
        use crate::model::{RateFormat, RateKind};
        // A city publishes 办结率 95.96% (cut, two places) beside 满意率 95.8% (one place, rounded).
        let mut s = ReportSettings::default();
        s.per_rate[RateKind::Closure as usize] = RateFormat { decimals: Some(2), truncate: Some(true) };
        s.per_rate[RateKind::Satisfaction as usize] = RateFormat { decimals: Some(1), truncate: None };
        assert_eq!(percent(&Rate::of_kind(RateKind::Closure, 119, 124), &s), "95.96%");
        assert_eq!(percent(&Rate::of_kind(RateKind::Satisfaction, 479, 500), &s), "95.8%");
        assert_eq!(percent(&Rate::of_kind(RateKind::Resolution, 119, 124), &s), "95.97%", "the others as the report");
        assert!(
            s.describe().contains("交办件办结率截尾保留2位小数") && s.describe().contains("满意率四舍五入保留1位小数")
        );
        assert_eq!(ReportSettings::default().describe(), "四舍五入保留2位小数");
    }

    fn settings(decimals: u32, truncate: bool) -> ReportSettings {
        ReportSettings { decimals, truncate, ..ReportSettings::default() }
    }

    #[test]
    fn the_offices_published_figures() {
        // 交办124条，办结119条，办结率95.96%: that office cut the third decimal.
        assert_eq!(with_counts(&rate(119, 124), &settings(2, true)), "95.96%（119/124）");
        // 收集问题630个，解决585个，解决率92.9%: one decimal, rounded.
        assert_eq!(percent(&rate(585, 630), &settings(1, false)), "92.9%");
        // With the defaults (two decimals, rounded) the first prints as GB/T 8170 rounds it.
        assert_eq!(with_counts(&rate(119, 124), &ReportSettings::default()), "95.97%（119/124）");
        assert_eq!(percent(&rate(585, 630), &settings(1, true)), "92.8%");
        // The Excel cell holds the percentage as printed, not the raw quotient.
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-12);
        assert!(close(printed_fraction(&rate(119, 124), &settings(2, true)), 0.9596));
        assert!(close(printed_fraction(&rate(119, 124), &settings(2, false)), 0.9597));
        assert!(close(printed_fraction(&rate(585, 630), &settings(1, false)), 0.929));
        assert_eq!(printed_fraction(&rate(0, 0), &ReportSettings::default()), None);
    }

    #[test]
    fn edges() {
        let d = ReportSettings::default();
        assert_eq!(with_counts(&rate(0, 0), &d), "—");
        assert_eq!(percent(&rate(0, 5), &d), "0.00%");
        assert_eq!(percent(&rate(5, 5), &d), "100.00%");
        assert_eq!(percent(&rate(197, 200), &settings(1, false)), "98.5%");
        assert_eq!(percent(&rate(1, 3), &settings(0, false)), "33%");
        assert_eq!(percent(&rate(2, 3), &settings(0, false)), "67%");
        assert_eq!(percent(&rate(2, 3), &settings(4, true)), "66.6666%");
        assert_eq!(percent(&rate(1, 8), &settings(1, false)), "12.5%");
        assert_eq!(percent(&rate(1, 16), &settings(1, false)), "6.3%", "6.25 rounds half up");
        assert_eq!(percent(&rate(u64::MAX, u64::MAX), &settings(4, false)), "100.0000%");
    }
}

//! The monthly trend as an SVG chart (plotters), the same picture in the PDF
//! (typst draws the SVG), the HTML (inline) and the DOCX (rasterised by resvg).

use anyhow::{anyhow, Result};
use chrono::Datelike;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::report::trend::Month;

/// Font families for the chart's text: the free CJK sans faces first, then
/// what Windows and macOS have, so every viewer finds one.
pub(crate) const FONT_FAMILY: &str =
    "Noto Sans CJK SC, FandolHei, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif";

/// Size in pixels (also the aspect ratio used in documents).
pub(crate) const SIZE: (u32, u32) = (760, 380);

const RECEIVED: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const CLOSED: RGBColor = RGBColor(0x2e, 0x8b, 0x57);
const OVERDUE: RGBColor = RGBColor(0xc0, 0x1f, 0x1f);
const SATISFACTION: RGBColor = RGBColor(0xd9, 0x8c, 0x00);

/// A count series: its legend, colour and value of a month.
type Series = (&'static str, RGBColor, fn(&Month) -> u64);

/// The trend chart: received, closed and overdue per month (counts, left
/// axis) and the satisfaction rate (percent, right axis; no point in a month
/// without evaluations).
pub(crate) fn trend_svg(months: &[Month]) -> Result<String> {
    let mut svg = String::new();
    draw(months, &mut svg).map_err(|e| anyhow!("无法绘制趋势图：{e}"))?;
    Ok(svg)
}

fn draw(months: &[Month], svg: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let n = months.len().max(1) as i32;
    let labels: Vec<String> = months.iter().map(|m| format!("{}月", m.start.month())).collect();
    let span = span(months);
    let peak =
        months.iter().map(|m| m.figures.collected.max(m.figures.closed).max(m.overdue())).max().unwrap_or(0).max(4);
    let top = peak + peak.div_ceil(8);
    let font = |size: u32| (FONT_FAMILY, size).into_font();
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(48)
        .right_y_label_area_size(52)
        .build_cartesian_2d((0..n - 1).into_segmented(), 0u64..top)?
        .set_secondary_coord((0..n - 1).into_segmented(), 0f64..100f64);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .x_labels(months.len().max(1))
        .x_label_style(font(15))
        .y_label_style(font(15))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc("件数")
        .x_desc(span)
        .axis_desc_style(font(15))
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc("满意率 %")
        .axis_desc_style(font(15))
        .label_style(font(15))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    let at = |i: usize| SegmentValue::CenterOf(i as i32);
    let counts: [Series; 3] = [
        ("收集", RECEIVED, |m| m.figures.collected),
        ("本期办结", CLOSED, |m| m.figures.closed),
        ("逾期", OVERDUE, Month::overdue),
    ];
    for (name, color, value) in counts {
        let points: Vec<_> = months.iter().enumerate().map(|(i, m)| (at(i), value(m))).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, color.filled())))?;
    }
    let rates: Vec<_> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.figures.satisfaction_rate.value.map(|v| (at(i), v * 100.0)))
        .collect();
    chart
        .draw_secondary_series(LineSeries::new(rates.clone(), SATISFACTION.stroke_width(2)))?
        .label("满意率")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], SATISFACTION.stroke_width(2)));
    chart.draw_secondary_series(rates.into_iter().map(|p| TriangleMarker::new(p, 4, SATISFACTION.filled())))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(15))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0xbb, 0xbb, 0xbb))
        .draw()?;
    root.present()?;
    Ok(())
}

/// The months a trend covers, in words. A trend shorter than a year starts at
/// the first case: the months before it are not zeros of the office's work,
/// and the chart says where it starts.
pub(crate) fn span(months: &[Month]) -> String {
    match (months.first(), months.last()) {
        (Some(a), Some(b)) if months.len() < 12 && a.start != b.start => {
            format!("自{}（收到第一个问题）起至{}", a.label(true), b.label(true))
        }
        (Some(a), _) if months.len() < 12 => format!("{}（收到第一个问题）", a.label(true)),
        (Some(a), Some(b)) => format!("{}至{}", a.label(true), b.label(true)),
        _ => String::new(),
    }
}

/// A bar series: legend, colour, upper half of the row, value of a row.
type BarSeries = (&'static str, RGBColor, bool, fn(&(&str, u64, u64)) -> u64);

/// Departments with overdue clocks now and late replies in the period, most
/// first (at most `limit`): one horizontal bar pair per department.
pub(crate) fn departments_svg(rows: &[(&str, u64, u64)], limit: usize) -> Result<String> {
    let mut svg = String::new();
    draw_departments(rows, limit, &mut svg).map_err(|e| anyhow!("无法绘制部门图：{e}"))?;
    Ok(svg)
}

fn draw_departments(
    rows: &[(&str, u64, u64)],
    limit: usize,
    svg: &mut String,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rows: Vec<_> = rows.iter().filter(|r| r.1 + r.2 > 0).collect();
    rows.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then(a.0.cmp(b.0)));
    rows.truncate(limit);
    let n = rows.len().max(1) as i32;
    let height = 70 + 34 * n as u32;
    let names: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let peak = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(0).max(4);
    let font = |size: u32| (FONT_FAMILY, size).into_font();
    let root = SVGBackend::with_string(svg, (SIZE.0, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(190)
        .build_cartesian_2d(0u64..peak + peak.div_ceil(8), (0..n - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .y_labels(names.len().max(1))
        .x_label_style(font(15))
        .y_label_style(font(15))
        .y_label_formatter(&|v| match v {
            // The worst department at the top.
            SegmentValue::CenterOf(p) => names.get((n - 1 - p) as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    let bar = |i: usize, value: u64, upper: bool| {
        let p = n - 1 - i as i32;
        let (y0, y1) = if upper {
            (SegmentValue::CenterOf(p), SegmentValue::Exact(p + 1))
        } else {
            (SegmentValue::Exact(p), SegmentValue::CenterOf(p))
        };
        [(0u64, y0), (value, y1)]
    };
    let series: [BarSeries; 2] = [("超期未办", OVERDUE, true, |r| r.1), ("逾期答复", SATISFACTION, false, |r| r.2)];
    for (name, color, upper, value) in series {
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let mut r = Rectangle::new(bar(i, value(r), upper), color.mix(0.85).filled());
                r.set_margin(if upper { 4 } else { 0 }, if upper { 0 } else { 4 }, 0, 0);
                r
            }))?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(font(15))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0xbb, 0xbb, 0xbb))
        .draw()?;
    root.present()?;
    Ok(())
}

/// The chart as a PNG at `scale` times its size, for Word. Text is drawn with
/// the fonts in `dirs` (the repository's and the configured ones) and, unless
/// `QINQING_NO_SYSTEM_FONTS` is set, the system's.
pub(crate) fn png(svg: &str, font_files: &[std::path::PathBuf], scale: f32) -> Result<Vec<u8>> {
    let mut options = resvg::usvg::Options::default();
    let db = options.fontdb_mut();
    if std::env::var_os("QINQING_NO_SYSTEM_FONTS").is_none() {
        db.load_system_fonts();
    }
    for f in font_files {
        let _ = db.load_font_file(f);
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| anyhow!("趋势图无法解析：{e}"))?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or_else(|| anyhow!("趋势图尺寸无效"))?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| anyhow!("趋势图尺寸无效"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| anyhow!("趋势图无法编码为 PNG：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::trend::{monthly, months};
    use chrono::NaiveDate;

    #[test]
    fn the_demo_trend_draws_every_series_and_month() {
        let repo = crate::check::fixture("");
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let as_of = d("2026-11-20");
        let trend = monthly(&repo.as_of(as_of), &months(&repo, d("2026-11-01"), d("2026-11-30"), as_of));
        let svg = trend_svg(&trend).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        for label in ["收集", "办结", "逾期", "满意率", "2025年12月至2026年11月", "1月", "11月", "件数"]
        {
            assert!(svg.contains(label), "{label} missing");
        }
        assert_eq!(svg, trend_svg(&trend).unwrap(), "the same figures draw the same bytes");
        let png = png(&svg, &[], 1.0).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let rows = [("甲局", 3, 1), ("乙局", 0, 2), ("丙局", 0, 0)];
        let bars = departments_svg(&rows, 10).unwrap();
        assert!(
            bars.contains("甲局") && bars.contains("乙局") && !bars.contains("丙局"),
            "only departments with something"
        );
        if let Some(dir) = std::env::var_os("QINQING_KEEP_CHART") {
            std::fs::write(std::path::Path::new(&dir).join("bars.png"), super::png(&bars, &[], 1.0).unwrap()).unwrap();
            std::fs::write(std::path::Path::new(&dir).join("trend.svg"), &svg).unwrap();
            std::fs::write(std::path::Path::new(&dir).join("trend.png"), &png).unwrap();
        }
    }
}

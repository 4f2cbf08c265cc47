//! `check --format junit`: one test case per case and rule, a failure per
//! overdue clock, an error per invalid file.

use std::collections::BTreeMap;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::check::CheckReport;
use crate::check::ClockStatus;
use crate::diag::{Diagnostic, Severity};

/// The report as JUnit XML.
pub(crate) fn render(report: &CheckReport) -> String {
    let mut cases: BTreeMap<(&str, &str), Vec<&crate::check::Clock>> = BTreeMap::new();
    for c in report.clocks(true) {
        cases.entry((&c.case.id.value, &c.rule.id)).or_default().push(c);
    }
    let mut invalid: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in report.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        invalid.entry(&d.file).or_default().push(d);
    }
    let failures = cases.values().filter(|v| v.iter().any(|c| c.status == ClockStatus::Overdue)).count();
    let tests = cases.len() + invalid.len();

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let counts =
        [("tests", tests.to_string()), ("failures", failures.to_string()), ("errors", invalid.len().to_string())];
    let mut suites = BytesStart::new("testsuites");
    suites.push_attribute(("name", "qinqing check"));
    let mut suite = BytesStart::new("testsuite");
    suite.push_attribute(("name", format!("qinqing check {}", report.as_of).as_str()));
    for (k, v) in &counts {
        suites.push_attribute((*k, v.as_str()));
        suite.push_attribute((*k, v.as_str()));
    }
    let _ = w.write_event(Event::Start(suites));
    let _ = w.write_event(Event::Start(suite));
    for (file, diags) in &invalid {
        let text: Vec<String> = diags
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{} [{}] {}{}",
                    d.file,
                    d.line,
                    d.column,
                    d.code,
                    d.message,
                    d.hint.as_ref().map(|h| format!("（{h}）")).unwrap_or_default()
                )
            })
            .collect();
        element(&mut w, file, "文件校验", Some(("error", &format!("{} 处错误", diags.len()), &text.join("\n"))));
    }
    for ((case, rule), clocks) in &cases {
        let overdue: Vec<String> = clocks
            .iter()
            .filter(|c| c.status == ClockStatus::Overdue)
            .map(|c| {
                format!(
                    "{}:{} {} 起算 {}，{} 到期，已超期 {} 天（{}）",
                    &c.case.file,
                    c.start_pos.line,
                    c.rule.title,
                    c.start,
                    c.due,
                    c.days.unwrap_or(0),
                    c.responsible.unwrap_or("未交办")
                )
            })
            .collect();
        let failure = (!overdue.is_empty()).then(|| overdue.join("\n"));
        element(&mut w, case, rule, failure.as_deref().map(|t| ("failure", "超期", t)));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("testsuite")));
    let _ = w.write_event(Event::End(BytesEnd::new("testsuites")));
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

fn element(w: &mut Writer<Vec<u8>>, class: &str, name: &str, problem: Option<(&str, &str, &str)>) {
    let mut tc = BytesStart::new("testcase");
    tc.push_attribute(("classname", class));
    tc.push_attribute(("name", name));
    match problem {
        None => {
            let _ = w.write_event(Event::Empty(tc));
        }
        Some((tag, message, body)) => {
            let _ = w.write_event(Event::Start(tc));
            let mut p = BytesStart::new(tag);
            p.push_attribute(("message", message));
            let _ = w.write_event(Event::Start(p));
            let _ = w.write_event(Event::Text(BytesText::new(body)));
            let _ = w.write_event(Event::End(BytesEnd::new(tag)));
            let _ = w.write_event(Event::End(BytesEnd::new("testcase")));
        }
    }
}

//! The receipt (受理回执): one per case, to the enterprise that raised it —
//! what was received, the deadlines it can expect as the rules compute them,
//! and its receipt code in large type with the QR code of the address of its
//! page (`/r/{code}`), that address also as text, and the office's contact
//! line. Made from the published ledger: it may be passed on.

use anyhow::{bail, Result};
use serde_json::{json, Value};

use crate::check::Snapshot;
use crate::model::rule::{Responsible, TriggerOn};
use crate::model::{EventType, Named, Status};
use crate::render::document::{Chart, Charts};
use crate::render::plan::{common, enterprise, merge, Planned, Selection};
use crate::text::date_cn;

/// The QR code's width on the page: about 3 cm scans from a phone at arm's length.
const QR_WIDTH_MM: u32 = 28;

/// The receipts of the selected cases (`--case`) or of a meeting's (`--meeting`).
pub(crate) fn plan(snapshot: &Snapshot, sel: &Selection) -> Result<Vec<Planned>> {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    if sel.meeting.is_none() && sel.cases.is_empty() {
        bail!("回执需要指定案件：--case 案件编号，或 --meeting 会议编号（该期每个问题一份）");
    }
    let Some(address) = &sel.address else {
        bail!("回执上的二维码指向企业查看进度的网页，需要本办网页服务的网址：请在 qinqing.yaml 写 serve: {{ url: … }}");
    };
    if let Some(id) = &sel.meeting {
        if repo.meeting(id).is_none() {
            bail!("找不到会议「{id}」");
        }
    }
    for id in &sel.cases {
        if repo.case(id).is_none() {
            bail!("找不到案件「{id}」");
        }
    }
    let mut out = Vec::new();
    for (index, case) in repo.cases.iter().enumerate() {
        let named = sel.cases.contains(&case.id.value);
        let of_meeting = sel.meeting.as_ref().is_some_and(|m| case.meeting.as_ref().is_some_and(|x| &x.value == m));
        if !named && !of_meeting {
            continue;
        }
        // A case named that is not received yet is refused; a meeting's not yet received have no receipt yet.
        if !crate::check::exists(case, as_of) {
            if named {
                bail!("案件 {} 截至 {as_of} 尚未收到，不能出具回执", case.id.value);
            }
            continue;
        }
        let Some(code) = sel.codes.get(&case.id.value) else {
            bail!("内部错误：案件 {} 没有回执码", case.id.value);
        };
        let page = format!("{address}/r/{code}");
        let clocks = snapshot.clocks_of(index);
        // The deadlines still running, each with who must meet it.
        let deadlines: Vec<Value> = clocks
            .iter()
            .filter(|c| c.status.is_running())
            .map(|c| json!({ "what": c.rule.title, "who": c.responsible.unwrap_or("—"), "due_cn": date_cn(c.due) }))
            .collect();
        let status = case.status_as_of(as_of);
        let lead = case.lead_as_of(as_of);
        // Waiting to be assigned (or again, sent back): what the rules give the department once it is.
        let after_assignment: Vec<&str> = if matches!(status, Status::Received | Status::Returned) {
            repo.rules
                .iter()
                .filter(|r| r.responsible == Responsible::Assignee && r.when.is_empty())
                .filter(|r| r.start.iter().any(|t| t.on == TriggerOn::Event(EventType::Assigned)))
                .map(|r| r.title.as_str())
                .collect()
        } else {
            Vec::new()
        };
        let meeting = case.meeting.as_ref().and_then(|m| repo.meeting(&m.value));
        // How it came: raised at a meeting held by now, or sent (for a meeting still ahead) another way.
        let channel = case.channel.map(|c| c.zh());
        let raised_at_meeting = case.channel.is_none_or(|c| c == crate::model::Channel::Meeting);
        let how = match (meeting, channel) {
            (Some(m), _) if raised_at_meeting && m.date.is_some_and(|d| d <= as_of) => format!("在{}上", m.title),
            (Some(m), Some(c)) => format!("通过{c}渠道为{}", m.title),
            (Some(m), None) => format!("为{}", m.title),
            (None, Some(c)) => format!("通过{c}渠道"),
            (None, None) => String::new(),
        };
        // Where it stands, in a sentence that is true of it now.
        let standing = match (status, lead) {
            (Status::Closed, _) => "该问题已办结".to_string(),
            (Status::Returned, _) => "该问题已由原承办单位退回，我办将重新交办".to_string(),
            (Status::Received, _) => "我办将按规定交有关单位办理".to_string(),
            (_, Some(lead)) => format!("该问题已交由{lead}牵头办理"),
            (_, None) => "该问题已在会上答复".to_string(),
        };
        let name = enterprise(case);
        let context = merge(
            common(repo, as_of),
            json!({
                "case": {
                    "id": case.id.value, "title": case.title, "description": case.description.trim(),
                    "received_cn": case.received.as_ref().map(|r| date_cn(r.value)),
                    "channel": channel, "how": how, "standing": standing,
                    "status": status.zh(), "lead": lead,
                },
                "enterprise": name,
                "meeting": meeting.map(|m| json!({ "id": m.id.value, "title": m.title })),
                "deadlines": deadlines, "after_assignment": after_assignment,
                "code": code, "page": page, "contact": repo.settings.serve_contact,
            }),
        );
        let mut charts = Charts::new();
        charts.insert("qr".to_string(), qr_chart(&page)?);
        out.push(Planned {
            recipient: if name.is_empty() { "企业".to_string() } else { name },
            date: as_of,
            distinct: Some(case.id.value.clone()),
            about: format!("{} 受理回执", case.id.value),
            records: Vec::new(),
            context,
            charts,
        });
    }
    if out.is_empty() {
        bail!("所选会议截至 {as_of} 没有问题，不生成回执");
    }
    Ok(out)
}

/// The QR code of an address: SVG for the PDF and the page, PNG for Word. Error
/// correction M (15%): a receipt folded or stamped on still scans.
pub(crate) fn qr_chart(address: &str) -> Result<Chart> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(address.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("网址太长，无法生成二维码：{e}"))?;
    let drawn = code.render::<svg::Color>().min_dimensions(240, 240).quiet_zone(true).build();
    // An inline page takes the picture from `<svg` on, without the XML declaration.
    let svg = drawn.find("<svg").map_or(drawn.as_str(), |at| &drawn[at..]).to_string();
    let png = crate::report::chart::png(&svg, &[], 3.0)?;
    Ok(Chart { svg, png, width_mm: QR_WIDTH_MM })
}

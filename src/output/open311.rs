//! `qinqing export open311`: Open311 GeoReport v2 — `services.json` (the
//! categories as services) and `requests.json` (one service request per case),
//! field by field as the specification names and types them, for hotline
//! platforms that read it. Made from the published ledger.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone};
use serde::Serialize;

use crate::check::Snapshot;
use crate::model::{Named, Status};

/// A service (GeoReport v2 `GET services`).
#[derive(Debug, Serialize)]
pub(crate) struct Service {
    pub(crate) service_code: String,
    pub(crate) service_name: String,
    pub(crate) description: String,
    /// Whether `GET service definition` has more attributes: never here.
    pub(crate) metadata: bool,
    /// `realtime`, `batch` or `blackbox`: requests are entered by the office.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) keywords: String,
    pub(crate) group: String,
}

/// A service request (GeoReport v2 `GET requests`).
#[derive(Debug, Serialize)]
pub(crate) struct Request {
    pub(crate) service_request_id: String,
    /// `open` or `closed`.
    pub(crate) status: &'static str,
    pub(crate) status_notes: String,
    pub(crate) service_name: String,
    pub(crate) service_code: String,
    pub(crate) description: String,
    pub(crate) agency_responsible: String,
    pub(crate) service_notice: String,
    pub(crate) requested_datetime: Option<String>,
    pub(crate) updated_datetime: Option<String>,
    pub(crate) expected_datetime: Option<String>,
    pub(crate) address: String,
    pub(crate) zipcode: String,
    pub(crate) lat: Option<f64>,
    pub(crate) long: Option<f64>,
    pub(crate) media_url: String,
}

/// The category of a case that has none.
const UNCATEGORISED: &str = "其他";

/// Midnight of a date in the repository's time zone, as ISO 8601 with its offset.
fn datetime(d: NaiveDate, tz: chrono_tz::Tz) -> Option<String> {
    let local = tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single()?;
    Some(local.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// The services: every category a case has, in order.
pub(crate) fn services(snapshot: &Snapshot) -> Vec<Service> {
    let categories: BTreeSet<&str> =
        snapshot.ledger.cases_as_of(snapshot.as_of).map(|c| c.category.as_deref().unwrap_or(UNCATEGORISED)).collect();
    categories
        .into_iter()
        .map(|c| Service {
            service_code: c.to_string(),
            service_name: c.to_string(),
            description: format!("企业反映的{c}问题"),
            metadata: false,
            kind: "batch",
            keywords: c.to_string(),
            group: "营商环境".to_string(),
        })
        .collect()
}

/// The requests: every case that exists on the date, by id.
pub(crate) fn requests(snapshot: &Snapshot, chosen: &[usize]) -> Vec<Request> {
    let ledger = snapshot.ledger;
    let tz = ledger.settings.timezone;
    chosen
        .iter()
        .map(|&i| {
            let case = &ledger.cases[i];
            let state = snapshot.state(i);
            let events = case.events_as_of(snapshot.as_of);
            let category = case.category.as_deref().unwrap_or(UNCATEGORISED).to_string();
            let closed = state.status == Status::Closed;
            // The description's line breaks are where the YAML was wrapped, not the writer's.
            let joined: String = case.description.lines().map(str::trim).collect();
            let description = if joined.is_empty() { case.title.clone() } else { format!("{}：{joined}", case.title) };
            let notice = match (state.next_due, state.overdue) {
                (Some(d), true) => format!("已超期，原定{}前办理", crate::text::date_cn(d)),
                (Some(d), false) => format!("预计{}前办理", crate::text::date_cn(d)),
                (None, _) => String::new(),
            };
            Request {
                service_request_id: case.id.value.clone(),
                status: if closed { "closed" } else { "open" },
                status_notes: events
                    .iter()
                    .rev()
                    .find_map(|e| e.text.clone())
                    .map_or_else(|| state.status.zh().to_string(), |t| format!("{}：{}", state.status.zh(), t.trim())),
                service_name: category.clone(),
                service_code: category,
                description,
                agency_responsible: state.lead.unwrap_or_default().to_string(),
                service_notice: notice,
                requested_datetime: case.received.as_ref().and_then(|r| datetime(r.value, tz)),
                updated_datetime: events.last().and_then(|e| datetime(e.date, tz)),
                expected_datetime: if closed { None } else { state.next_due.and_then(|d| datetime(d, tz)) },
                address: String::new(),
                zipcode: String::new(),
                lat: None,
                long: None,
                media_url: String::new(),
            }
        })
        .collect()
}

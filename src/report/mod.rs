//! Statistics for a period (reports.md): every figure computed once, here, and
//! read by every output (terminal table, JSON, CSV, XLSX, bulletin, dashboard).

pub mod chart;
pub mod figures;
pub mod percent;
pub mod period;
pub mod ranking;
pub mod site;
pub mod trend;

//! Statistics for a period (reports.md): every figure computed once, here, and
//! read by every output (terminal table, JSON, CSV, XLSX, the bulletin, the site).

pub(crate) mod audit;
pub(crate) mod casebook;
pub(crate) mod change;
pub(crate) mod chart;
pub(crate) mod digest;
pub(crate) mod figures;
pub(crate) mod percent;
pub(crate) mod period;
pub(crate) mod ranking;
pub(crate) mod trend;

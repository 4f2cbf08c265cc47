//! Statistics for a period (reports.md): every figure computed once, here, and
//! read by every output.

pub mod figures;

//! qinqing（亲清）: cases raised by enterprises, kept as YAML in git, checked
//! against deadline rules, and turned into official documents.
//!
//! Pipeline: `load` → `model` → `check` (validation + `rules` on a `calendar`)
//! → `output`; `cli` wires the stages together.

pub mod calendar;
pub mod check;
pub mod cli;
pub mod diag;
pub mod fsx;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod timing;

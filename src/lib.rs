//! qinqing（亲清）: cases raised by enterprises, kept as YAML in git, checked
//! against deadline rules, and turned into official documents.
//!
//! Stages, each importing only from the ones before it (docs/architecture.md):
//! foundations (`diag`, `calendar`, `text`, `fsx`, `git`, `timing`) → `model` →
//! `load` → `check` → `edit` → `report` → `render` → `output` → `command` → the front ends
//! (`cli`, and `serve`, the web server `cli` starts).

pub(crate) mod calendar;
pub(crate) mod check;
pub mod cli;
pub(crate) mod command;
pub(crate) mod diag;
pub(crate) mod edit;
pub(crate) mod fsx;
pub(crate) mod git;
pub(crate) mod load;
pub(crate) mod model;
pub(crate) mod output;
pub(crate) mod render;
pub(crate) mod report;
pub(crate) mod serve;
pub mod text;
pub(crate) mod timing;

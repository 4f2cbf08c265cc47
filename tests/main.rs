//! The integration tests, one crate with a module per subject (as ripgrep and
//! mdBook keep theirs): the typst-heavy library is linked once, not once per file.

mod common;

mod agreement;
mod architecture;
mod browser;
mod cli;
mod edit;
mod export;
mod fixtures;
mod history;
mod hostile;
mod import;
mod issue;
mod layout;
mod notify;
mod privacy;
mod process;
mod prompt;
mod render;
mod report;
mod serve;
mod site;
mod submit;
mod walkthrough;

//! `qinqing build`: check, then everything the rules call for as of the date
//! (supervision notices), the bulletin of the period, and the dashboard, into `output/`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::command::build::build;
use crate::command::{Failure, Open, Refusal, ToStderr};
use crate::render::Format;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    period: super::PeriodArgs,
    /// 公文的格式，逗号分隔
    #[arg(long, value_parser = super::parse_doc_format, value_delimiter = ',', default_value = "pdf,docx,html")]
    format: Vec<Format>,
    /// 输出目录（默认 output/）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let started = Instant::now();
    let session = super::session(repo, Open::full())?;
    let p = args.period.resolve(&session)?;
    crate::timing::mark("load and validate");
    let bar = super::ProgressBar::default();
    match build(session, &p, &args.format, args.out, &mut ToStderr, &|p| bar.show(p)) {
        Ok(b) => {
            eprintln!(
                "已生成网站 {}（{} 页）与 {} 个公文文件；截至 {}，超期未办 {} 项。用时 {:.1} 秒。",
                b.index.display(),
                b.pages,
                b.documents,
                p.as_of,
                b.overdue,
                started.elapsed().as_secs_f64()
            );
            Ok(if b.failed { 2 } else { u8::from(b.overdue_error) })
        }
        Err(Failure::Refused(Refusal::RepositoryErrors { diagnostics, .. })) => {
            for d in diagnostics.iter().take(20) {
                eprintln!("{d}");
            }
            eprintln!("案件库有 {} 处错误，未生成公文和网站。请先运行 qinqing check 并改正。", diagnostics.len());
            Ok(2)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}

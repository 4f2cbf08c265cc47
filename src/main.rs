use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = qinqing::cli::Cli::parse();
    match qinqing::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

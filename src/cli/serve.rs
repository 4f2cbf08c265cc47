//! `qinqing serve`: starts the web server (`crate::serve`) on the repository.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 监听地址；本机以外的地址须先建账号
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// 状态文件夹（账号；默认：案件库中的 .qinqing-private/）
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// 页面按这一天看（演示、测试用；默认今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 在 HTTPS 反向代理（nginx、Caddy）之后：Cookie 只经 HTTPS 发送，按 X-Forwarded-For 识别来访地址
    #[arg(long)]
    behind_proxy: bool,
}

pub(crate) fn run(repo: Option<&Path>, a: Args) -> Result<u8> {
    let options = crate::serve::Options {
        repo: repo.map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        listen: a.listen,
        state: a.state,
        as_of: a.as_of,
        behind_proxy: a.behind_proxy,
    };
    crate::serve::run(options, |addr| {
        // The first line says where: a script (and the tests) read the address from it. A closed
        // output (a script that read that line and left) must not stop the server.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "qinqing serve 已启动：http://{addr}/\n按 Ctrl+C 停止。");
        let _ = out.flush();
    })?;
    Ok(0)
}

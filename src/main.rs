use std::process::ExitCode;

// Loading allocates millions of small strings; mimalloc makes that and the frees cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = qinqing::cli::parse();
    match qinqing::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("错误：{}", qinqing::cli::error_words(&e));
            ExitCode::from(2)
        }
    }
}

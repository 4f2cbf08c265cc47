//! For benchmarks (the hidden `bench-gen` and `bench-render` commands): a
//! synthetic repository, and PDFs rendered in one call.
//!
//! Cases are about 1 KB each, spread over ten years, twelve departments and
//! every event kind, generated deterministically from a seed.

use std::fmt::Write;
use std::path::Path;

use anyhow::{bail, Result};

use super::Notices;
use chrono::{Days, NaiveDate};

use crate::load::case::credit_check_char;

const DEPARTMENTS: &[&str] = &[
    "市发展和改革委员会",
    "市经济和信息化局",
    "市交通运输局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市住房和城乡建设局",
    "市市场监督管理局",
    "市生态环境局",
    "市商务局",
    "市科学技术局",
    "市教育局",
    "国网某某供电公司",
];
const TOPICS: &[(&str, &str)] = &[
    ("交通出行", "园区公交线路延伸至产业园"),
    ("子女入学", "员工子女就近入学名额"),
    ("审批服务", "印刷经营许可只能在市区窗口办理"),
    ("要素保障", "专用电力线路接入进度滞后"),
    ("用地保障", "低效工业用地更新改造"),
    ("人才用工", "高技能人才紧缺"),
    ("融资服务", "中小企业融资成本偏高"),
    ("知识产权", "专利侵权纠纷维权难"),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Writes a synthetic repository of `cases` cases into `dir` (absent or empty).
pub(crate) fn generate(cases: usize, dir: &Path, seed: u64) -> Result<()> {
    let scope = crate::fsx::Scope::new(dir);
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} 不是空目录", dir.display());
    }
    scope.create_dir_all(dir)?;
    scope.write_new(&dir.join("qinqing.yaml"), include_str!("../../init/qinqing.yaml").as_bytes())?;
    let mut deps = String::new();
    for d in DEPARTMENTS {
        let _ = writeln!(deps, "- name: {d}\n  level: city");
    }
    scope.write_new(&dir.join("departments.yaml"), deps.as_bytes())?;
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let first = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap_or_default();
    for i in 0..cases {
        let received = first + Days::new((i as u64 * 3650) / cases.max(1) as u64);
        let id = format!("SYN-{}-{:06}", received.format("%Y"), i);
        let folder = dir.join("cases").join(received.format("%Y/%m").to_string());
        std::fs::create_dir_all(&folder)?;
        // Plain writes: a benchmark's hundred thousand files need no rename each.
        std::fs::write(folder.join(format!("{id}.yaml")), synthetic_case(&id, received, &mut rng))?;
    }
    Ok(())
}

fn synthetic_case(id: &str, received: NaiveDate, rng: &mut Rng) -> String {
    let (category, title) = TOPICS[rng.below(TOPICS.len())];
    let lead = DEPARTMENTS[rng.below(DEPARTMENTS.len())];
    let co = DEPARTMENTS[rng.below(DEPARTMENTS.len())];
    let values: Vec<u32> = (0..17).map(|k| if k < 2 { [9, 1][k] } else { rng.below(10) as u32 }).collect();
    let code: String =
        values.iter().map(|v| char::from_digit(*v, 10).unwrap_or('0')).chain([credit_check_char(&values)]).collect();
    let day = |n: u64| received + Days::new(n);
    let mut s = format!(
        "id: {id}\ntitle: {title}（第{}号）\nenterprise:\n  name: 某某{}科技有限公司\n  credit_code: {code}\n  contact: 王某\n  phone: \"1380000{:04}\"\n\
         received: {received}\nchannel: {}\nlevel: city\ncategory: {category}\nhandling: coordinated\ntags: [共性问题]\n\
         description: |\n  企业反映{title}的问题，涉及员工通勤、生产经营和项目推进，希望有关部门尽快协调解决，并明确办理时限和责任人。\n  企业已多次与园区沟通，仍未得到答复。\ntimeline:\n",
        rng.below(1000),
        rng.below(500),
        rng.below(10000),
        ["meeting", "online", "hotline", "visit", "written"][rng.below(5)],
    );
    // Like a real repository: almost every old case has run its course; a few
    // are still open somewhere along the way.
    let stage = if rng.below(100) < 97 { 5 } else { rng.below(5) };
    let _ = write!(
        s,
        "  - date: {}\n    event: assigned\n    lead: {lead}\n    co: [{co}]\n    note: 请于两周内办理并答复企业\n",
        day(1)
    );
    if stage >= 1 {
        let _ = write!(s, "  - date: {}\n    event: acknowledged\n    by: {lead}\n", day(2));
    }
    if stage >= 2 {
        let _ = write!(s, "  - date: {}\n    event: replied\n    by: {lead}\n    result: resolved\n    text: 已协调有关单位落实，预计下月完成，并已电话告知企业联系人。\n", day(3 + rng.below(20) as u64));
    }
    let mut unsatisfied = false;
    if stage >= 3 {
        let rating = ["satisfied", "basically_satisfied", "unsatisfied"][rng.below(3)];
        unsatisfied = rating == "unsatisfied";
        let _ = write!(s, "  - date: {}\n    event: evaluated\n    rating: {rating}\n", day(30));
    }
    if stage >= 4 {
        // Closing after 不满意 needs its reason, as in a real repository.
        let reason = if unsatisfied { "\n    reason: 经联席会议研究，企业诉求不符合政策" } else { "" };
        let _ = write!(s, "  - date: {}\n    event: closed\n    note: 企业确认问题已解决{reason}\n", day(31));
    }
    s
}

/// `qinqing bench-render N`: one-page supervision notices rendered to PDF in
/// one process, fonts loaded once, in parallel; prints throughput and memory.
fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// Renders `count` one-page PDFs in one call; the summary line.
pub(crate) fn render_pdfs(count: usize, notices: &mut dyn Notices) -> Result<String> {
    use crate::render::document::{parse_markdown, Document};
    use crate::render::fonts::Fonts;

    let start = std::time::Instant::now();
    let fonts = Fonts::discover(&[]);
    if fonts.roles.is_none() {
        bail!("没有中文字体，无法测试 PDF");
    }
    notices.note(&format!("字体加载 {:.2} s；{}", start.elapsed().as_secs_f64(), fonts.report()));
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let doc = |i: usize| {
        let dept = DEPARTMENTS[i % DEPARTMENTS.len()];
        let md = format!(
            "经查，截至2026年11月20日，你单位牵头办理的以下2个企业反映问题已超过办理时限，尚未办结。\n\n\
             | 编号 | 反映问题 | 办理要求 | 期限 | 超期天数 |\n|---|---|---|---|---|\n\
             | HZ-2026-{i:04} | 新建厂房专用电力线路接入进度滞后 | 交办后两周内办理回复 | 2026年10月29日 | 22天 |\n\
             | HZ-2026-{:04} | 园区污水管网未接入 | 不满意件十个工作日内重办答复 | 2026年11月19日 | 1天 |\n\n\
             根据有关规定，现予督办。请你单位于2026年11月27日前办结，将办理结果书面答复企业。逾期仍未办结的，将予以通报。",
            i + 1
        );
        Document {
            layout: "standard",
            draft: false,
            mark: "湖州市优化营商环境工作领导小组办公室文件".into(),
            number: format!("湖营商督〔2026〕{}号", i + 1),
            title: "关于督促办理企业反映问题的通知".into(),
            title_lines: vec!["关于督促办理企业反映问题的通知".into()],
            recipients: dept.into(),
            body: parse_markdown(&md),
            attachments: Vec::new(),
            signature: "湖州市优化营商环境工作领导小组办公室".into(),
            date: "2026年11月20日".into(),
            cc: None,
            printed_by: "湖州市优化营商环境工作领导小组办公室".into(),
            printed_date: "2026年11月20日印发".into(),
            single_sided: false,
            markdown: md,
        }
    };
    let t = std::time::Instant::now();
    // All in one call, on the executor `render` and `build` use: no batches that would hide
    // a cost that grows with the number of documents.
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let progress = std::sync::Mutex::new(notices);
    let sizes: Vec<usize> = crate::render::each_document(count, |i| {
        let size = crate::render::pdf::render(&doc(i), &fonts, date).map(|b| b.len());
        let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n.is_multiple_of(200) {
            let line = format!("{n:>6} 份  {:>7.1} 份/秒  内存 {} MB", n as f64 / t.elapsed().as_secs_f64(), rss_mb());
            if let Ok(mut p) = progress.lock() {
                p.note(&line);
            }
        }
        size
    })
    .into_iter()
    .collect::<Result<_>>()?;
    let done = sizes.len();
    let bytes: usize = sizes.iter().sum();
    let secs = t.elapsed().as_secs_f64();
    Ok(format!(
        "{} 份一页 PDF，{:.2} s，{:.1} 份/秒，平均 {:.1} ms/份（{} 线程），平均 {} KB",
        done,
        secs,
        done as f64 / secs,
        secs * 1000.0 / done as f64 * rayon::current_num_threads() as f64,
        rayon::current_num_threads(),
        bytes / done.max(1) / 1024
    ))
}

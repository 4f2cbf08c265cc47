//! A session: one repository opened for one or many commands, as typst's
//! `World` is for a compilation. It holds the root, where this run may write,
//! the checked ledger (read through the parse cache, kept current after each
//! write when the session lives on), the date source and git.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::check::{Checked, Ledger};
use crate::diag::Diagnostic;
use crate::edit::Edit;
use crate::fsx::Scope;
use crate::git::Git;
use crate::load::{self, Detail, LoadOptions};
use crate::model::Case;

/// How to open a session.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Open {
    /// Read and keep the parse cache (slim sessions only).
    pub(crate) cache: bool,
    /// How much of each case the ledger keeps: documents and exports with
    /// contacts need everything; writes, lists and `show` need the slim ledger.
    pub(crate) detail: Detail,
    /// Reload the ledger after each write (a long-running front end); a
    /// command that ends after its write leaves it as it was.
    pub(crate) follow_writes: bool,
    /// The date "today" is, when it is not the repository's today (a test, a
    /// server pinned to a date).
    pub(crate) today: Option<NaiveDate>,
}

impl Open {
    /// The slim ledger through the parse cache: what writes, lists and `show` need.
    pub(crate) fn slim() -> Open {
        Open { cache: true, detail: Detail::Slim, follow_writes: false, today: None }
    }

    /// Every field of every case (documents, exports with contacts).
    pub(crate) fn full() -> Open {
        Open { cache: false, detail: Detail::Full, follow_writes: false, today: None }
    }
}

/// One repository, opened.
pub(crate) struct Session {
    root: PathBuf,
    scope: Scope,
    open: Open,
    checked: Checked,
    recovered: usize,
    /// The write generation the ledger was read at (see `edit::journal`).
    generation: u64,
    /// A past revision's unpacked folder, kept while the session reads it.
    _revision: Option<crate::git::Revision>,
    /// How many times the repository was read again after opening (a write should not need to).
    rereads: usize,
}

impl Session {
    /// Finds the repository from `start` up, finishes a write a killed run
    /// left half done, and reads and checks it.
    pub(crate) fn open(start: &Path, open: Open) -> Result<Session> {
        let root = load::find_root(start)?;
        let scope = Scope::new(&root);
        // A write a killed run left half done is finished before anything is read.
        let recovered = crate::edit::journal::recover(&scope)?;
        // Read before the files: a write in between is then seen as one, never missed.
        let generation = crate::edit::journal::generation(&scope);
        let checked = read(&root, open)?;
        // What killed runs left (temporary files that may hold a case with its contact's phone,
        // half-written site folders) goes now: under cases/ as the walk found them, and where
        // the register, the cache and the documents are written.
        let output = root.join("output");
        let mut folders = vec![
            root.clone(),
            crate::load::cache::dir(&root),
            crate::edit::journal::dir(&root),
            root.join("rules"),
            root.join("rules/calendars"),
            root.join("templates"),
            root.join("schema"),
            output.clone(),
        ];
        folders.extend(
            std::fs::read_dir(&output).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()),
        );
        crate::fsx::sweep(&checked.ledger.left_behind, folders);
        Ok(Session { root, scope, open, checked, recovered, generation, _revision: None, rereads: 0 })
    }

    /// The repository found from `start` as it was at a git revision: read as
    /// it is, uncached, with no interrupted write to finish; the work tree
    /// and index are untouched. Nothing is written through such a session.
    pub(crate) fn at_revision(start: &Path, rev: &str, detail: Detail) -> Result<Session> {
        let root = load::find_root(start)?;
        // The working tree's half-done write is finished first, as any command that reads the repository does.
        crate::edit::journal::recover(&Scope::new(&root))?;
        let revision = Git::new(&root).checkout(rev)?;
        let open = Open { cache: false, detail, follow_writes: false, today: None };
        let dir = revision.dir.path().to_path_buf();
        let checked = read(&dir, open)?;
        Ok(Session {
            scope: Scope::new(&dir),
            root: dir,
            open,
            checked,
            recovered: 0,
            generation: 0,
            _revision: Some(revision),
            rereads: 0,
        })
    }

    /// The commit a revision session reads, when it is one.
    pub(crate) fn commit(&self) -> Option<&str> {
        self._revision.as_ref().map(|r| r.commit.as_str())
    }

    /// The repository's root folder.
    pub(crate) fn root_dir(&self) -> &Path {
        &self.root
    }

    /// Where this session may write: inside the repository, through no link.
    pub(crate) fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The checked repository.
    pub(crate) fn checked(&self) -> &Checked {
        &self.checked
    }

    /// The checked repository's ledger.
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.checked.ledger
    }

    /// The checked ledger, for a command that ends with it (made public, say).
    pub(crate) fn into_ledger(self) -> Ledger {
        self.checked.ledger
    }

    /// How many files a killed run's journal had left to write, written on opening.
    pub(crate) fn recovered(&self) -> usize {
        self.recovered
    }

    /// The date a command looks at: the one given, or today in the repository's time zone.
    pub(crate) fn date(&self, given: Option<NaiveDate>) -> NaiveDate {
        given.or(self.open.today).unwrap_or_else(|| today(self.ledger()))
    }

    /// The repository's git.
    pub(crate) fn git(&self) -> Git<'_> {
        Git::new(&self.root)
    }

    /// A case read again from its file in full (descriptions, replies,
    /// contacts), made canonical as the ledger's cases are; `None` when the
    /// file can no longer be read as a case.
    pub(crate) fn full_case(&self, case: &Case) -> Result<Option<Case>> {
        Ok(self.full_case_and_bytes(case)?.0)
    }

    /// [`Session::full_case`], with the file's bytes it was read from (a page that also needs them —
    /// for the version a form carries — reads the file once).
    pub(crate) fn full_case_and_bytes(&self, case: &Case) -> Result<(Option<Case>, Vec<u8>)> {
        let bytes = self.scope.read(&self.root.join(&case.file))?;
        Ok((crate::check::reread(self.ledger(), &case.file, &bytes), bytes))
    }

    /// The errors the edits would bring, as a full check of the repository
    /// with them in place would find them, found by checking only the edited
    /// files against the ledger's indexes.
    pub(crate) fn verdict(&self, edits: &[Edit]) -> Vec<Diagnostic> {
        let files: Vec<(&str, &[u8])> = edits.iter().map(|e| (e.rel.as_str(), e.after.as_bytes())).collect();
        crate::check::verdict(self.ledger(), &self.checked.diagnostics, &files)
    }

    /// A draft file for text written in an editor, holding `text` to start
    /// with: in the repository's cache folder, never beside the user's
    /// files, removed when dropped.
    pub(crate) fn draft(&self, text: &str) -> Result<tempfile::NamedTempFile> {
        let dir = crate::load::cache::dir(&self.root);
        self.scope.create_dir_all(&dir)?;
        let mut draft = tempfile::Builder::new().prefix("描述-").suffix(".txt").tempfile_in(&dir)?;
        std::io::Write::write_all(draft.as_file_mut(), text.as_bytes())?;
        Ok(draft)
    }

    /// Writes the edits all or none — refused if another write came since the
    /// ledger they were judged on was read — and brings the ledger up to date
    /// when the session lives on.
    pub(crate) fn write(&mut self, edits: &[Edit]) -> Result<()> {
        crate::edit::write(&self.scope, edits, Some(self.generation))?;
        self.generation += 1;
        if self.open.follow_writes {
            // What the write changed is taken into the ledger (a write costs what it touches); a write
            // that made or renamed a file has the repository read again.
            let files: Vec<(&str, &[u8])> = edits.iter().map(|e| (e.rel.as_str(), e.after.as_bytes())).collect();
            let slim = self.open.detail == Detail::Slim;
            // A new submission is placed in the ledger's list; any other new file has the repository read again.
            let submitted = |e: &Edit| e.rel.starts_with(&format!("{}/", crate::load::submission::FOLDER));
            if edits.iter().any(|e| e.new && !submitted(e)) || !self.checked.ledger.take_in(&files, slim) {
                self.refresh()?;
            }
        }
        Ok(())
    }

    /// Whether another write landed since the ledger was read.
    pub(crate) fn stale(&self) -> bool {
        self._revision.is_none() && crate::edit::journal::generation(&self.scope) != self.generation
    }

    /// Reads the ledger again (a long-lived session, after writes of its own or of others).
    pub(crate) fn refresh(&mut self) -> Result<()> {
        // The generation read first (a write in between is then seen as one), kept only once the read succeeded.
        let generation = crate::edit::journal::generation(&self.scope);
        self.checked = read(&self.root, self.open)?;
        self.generation = generation;
        self.rereads += 1;
        Ok(())
    }
}

fn read(root: &Path, open: Open) -> Result<Checked> {
    let opts =
        LoadOptions { cache: open.cache && open.detail == Detail::Slim, detail: open.detail, overlay: Vec::new() };
    Ok(crate::check::check(load::load(root, opts)?))
}

/// Today in the repository's time zone.
fn today(ledger: &Ledger) -> NaiveDate {
    chrono::Utc::now().with_timezone(&ledger.settings.timezone).date_naive()
}

#[cfg(test)]
mod tests {
    //! The verdict a write gets from the ledger's indexes is the one a full
    //! check of the edited tree gives: random edits, valid and invalid, on a
    //! copy of the demonstration repository, judged both ways.

    use proptest::prelude::*;

    use super::*;
    use crate::edit::create::{case_text, NewCase};
    use crate::edit::{FieldValue, NewEvent};
    use crate::model::{EventType, Named};

    /// A copy of the demonstration repository, opened once for every case of the property.
    fn demo() -> &'static (tempfile::TempDir, Session) {
        static DEMO: std::sync::OnceLock<(tempfile::TempDir, Session)> = std::sync::OnceLock::new();
        DEMO.get_or_init(|| {
            let dir = crate::command::demo_copy();
            let session = Session::open(dir.path(), Open { cache: false, ..Open::slim() }).expect("the demo opens");
            (dir, session)
        })
    }

    const DEPARTMENTS: &[&str] = &["市交通运输局", "交通局", "市教育局", "市交通局", "不存在的局", "发改委", ""];
    const RULES: &[&str] = &["reply", "assign", "redo", "no-such-rule"];
    const KEYS: &[&str] = &[
        "lead",
        "co",
        "by",
        "to",
        "from",
        "rule",
        "due",
        "text",
        "note",
        "reason",
        "result",
        "rating",
        "comment",
        "decision",
        "participants",
        "doc",
        "approved_by",
        "bogus",
    ];

    /// One random edit of the demo: an entry appended to a case, a new case, or a new meeting.
    #[derive(Debug, Clone)]
    enum Change {
        Append { case: usize, kind: usize, day: i64, fields: Vec<(usize, usize, i64)> },
        NewCase { id: u8, meeting: u8, related: u8, level: u8, received: Option<i64>, folder: u8 },
        NewMeeting { id: u8, level: u8, folder: u8 },
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            // Mostly after every entry of the demo (an entry that may stand), sometimes anywhere.
            4 => (0usize..64, 0usize..64, prop_oneof![3 => 180i64..400, 1 => -400i64..400], prop::collection::vec((0usize..64, 0usize..64, -30i64..60), 0..5))
                .prop_map(|(case, kind, day, fields)| Change::Append { case, kind, day, fields }),
            2 => (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), prop::option::of(-200i64..200), any::<u8>())
                .prop_map(|(id, meeting, related, level, received, folder)| Change::NewCase { id, meeting, related, level, received, folder }),
            1 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(id, level, folder)| Change::NewMeeting { id, level, folder }),
        ]
    }

    fn day(offset: i64) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date") + chrono::Duration::days(offset)
    }

    /// The edit a change makes (`None` when it cannot be planned, as a command would refuse it).
    fn plan(session: &Session, change: &Change, n: usize) -> Option<Edit> {
        let ledger = session.ledger();
        let meetings: Vec<&str> = ledger.meetings.iter().map(|m| m.id.value.as_str()).collect();
        match change {
            Change::Append { case, kind, day: d, fields } => {
                let case = &ledger.cases[case % ledger.cases.len()];
                let kind = EventType::ALL[kind % EventType::ALL.len()].0;
                let mut written = Vec::new();
                // Mostly the kind's own fields (an entry that reads), sometimes any key.
                let own: Vec<&str> =
                    kind.spec().fields.iter().map(|f| f.name).filter(|k| !matches!(*k, "date" | "event")).collect();
                for (key, value, offset) in fields {
                    let key =
                        if key % 5 != 0 && !own.is_empty() { own[key % own.len()] } else { KEYS[key % KEYS.len()] };
                    if written.iter().any(|(k, _)| *k == key) {
                        continue;
                    }
                    let value = match key {
                        "due" => FieldValue::Date(day(d + offset)),
                        "rule" => FieldValue::Text(RULES[value % RULES.len()].to_string()),
                        "result" => FieldValue::Named(["resolved", "bogus"][value % 2], "已解决"),
                        "rating" => FieldValue::Named(["unsatisfied", "satisfied", "meh"][value % 3], "满意"),
                        "co" | "to" | "participants" => {
                            FieldValue::List(vec![DEPARTMENTS[value % DEPARTMENTS.len()].to_string()])
                        }
                        _ => FieldValue::Text(DEPARTMENTS[value % DEPARTMENTS.len()].to_string()),
                    };
                    written.push((key, value));
                }
                let event = NewEvent { date: day(*d), kind, fields: written };
                crate::edit::add_event(session.scope(), &case.file, &event).ok()
            }
            Change::NewCase { id, meeting, related, level, received, folder } => {
                let id = if id % 3 == 0 {
                    ledger.cases[*id as usize % ledger.cases.len()].id.value.clone()
                } else {
                    format!("P-2026-{n}{id}")
                };
                let meeting_id = match meeting % 3 {
                    0 => None,
                    1 => Some(meetings[*meeting as usize % meetings.len()].to_string()),
                    _ => Some("HZ-M-2026-99".to_string()),
                };
                let folder = match folder % 3 {
                    0 => ledger.meetings[*folder as usize % ledger.meetings.len()].folder().to_string(),
                    1 => "cases/2026/其他渠道".to_string(),
                    _ => "cases/2026/新文件夹".to_string(),
                };
                let mut text = case_text(&NewCase {
                    id: id.clone(),
                    title: "园区道路".into(),
                    received: received.map(day),
                    level: [None, Some("city".to_string()), Some("区县".to_string()), Some("省级".to_string())]
                        [*level as usize % 4]
                        .clone(),
                    meeting: meeting_id,
                    ..NewCase::default()
                });
                if related % 2 == 1 {
                    let other = if related % 4 == 1 {
                        ledger.cases[*related as usize % ledger.cases.len()].id.value.clone()
                    } else {
                        "HZ-2026-0999".to_string()
                    };
                    text.push_str(&format!("related: [{other}]\n"));
                }
                crate::edit::new_file(session.scope(), &format!("{folder}/{id}.yaml"), text).ok()
            }
            Change::NewMeeting { id, level, folder } => {
                let id = if id % 2 == 0 {
                    meetings[*id as usize % meetings.len()].to_string()
                } else {
                    format!("HZ-M-2026-{}", 50 + u32::from(*id))
                };
                let level = ["city", "county", "国家级"][*level as usize % 3];
                let text = format!("id: {id}\ntitle: 恳谈会\ndate: 2026-07-0{}\nlevel: {level}\n", 1 + folder % 9);
                crate::edit::new_file(
                    session.scope(),
                    &format!("cases/2026/新会议{}/meeting.yaml", u32::from(folder % 4) + n as u32 * 4),
                    text,
                )
                .ok()
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn the_ledger_judges_an_edit_as_a_full_check_does(changes in prop::collection::vec(change(), 1..4)) {
            let (dir, session) = demo();
            let mut edits: Vec<Edit> = Vec::new();
            for (n, change) in changes.iter().enumerate() {
                if let Some(edit) = plan(session, change, n) {
                    // One edit per file, as a command makes them.
                    if !edits.iter().any(|e| e.rel == edit.rel) {
                        edits.push(edit);
                    }
                }
            }
            let full = crate::edit::check_edits(dir.path(), &edits).expect("a full check");
            prop_assert_eq!(session.verdict(&edits), full);
        }
    }

    #[test]
    fn a_kind_of_each_refusal_is_seen() {
        // The property is only as good as what it tries: each of these comes up.
        let (dir, session) = demo();
        let case = &session.ledger().cases[0];
        let edit = |fields: Vec<(&'static str, FieldValue)>, date| {
            let event = NewEvent { date, kind: EventType::Assigned, fields };
            crate::edit::add_event(session.scope(), &case.file, &event).expect("planned")
        };
        let cases = [
            (vec![("lead", FieldValue::Text("市交通局".into()))], day(200), "unknown-department"),
            (
                vec![("lead", FieldValue::Text("交通局".into())), ("bogus", FieldValue::Text("x".into()))],
                day(200),
                "unknown-field",
            ),
            (vec![], day(200), "missing-field"),
            (vec![("lead", FieldValue::Text("交通局".into()))], day(-2700), "event-out-of-order"),
        ];
        for (fields, date, code) in cases {
            let edits = [edit(fields, date)];
            let verdict = session.verdict(&edits);
            assert!(verdict.iter().any(|d| d.code == code), "{code}: {verdict:?}");
            assert_eq!(verdict, crate::edit::check_edits(dir.path(), &edits).expect("a full check"));
        }
        assert_eq!(EventType::Assigned.key(), "assigned");
    }

    #[test]
    fn a_living_session_takes_in_its_own_writes_as_a_fresh_read_has_them() {
        // A server's session does not read 100,000 files after each form: the cases it wrote are
        // replaced in its ledger, which must then be the ledger a fresh read gives.
        for detail in [Detail::Slim, Detail::Full] {
            let dir = crate::command::demo_copy();
            let open = Open { cache: false, detail, follow_writes: true, today: None };
            let mut session = Session::open(dir.path(), open).expect("opens");
            let request = crate::command::record::Record {
                kind: EventType::Note,
                cases: crate::command::record::Cases::Ids(vec!["HZ-2026-0171".into(), "HZ-2026-0131".into()]),
                date: Some(day(330)),
                values: vec![("text", FieldValue::Text("电话催办".into()))],
                dry_run: false,
                commit: false,
                signed: None,
            };
            crate::command::record::record(&mut session, request).expect("recorded");
            let fresh = Session::open(dir.path(), open).expect("opens again");
            assert_eq!(session.ledger().cases, fresh.ledger().cases, "{detail:?}");
            assert_eq!(session.rereads, 0, "the write was taken in, not read again");
            let case = session.ledger().case("HZ-2026-0171").expect("the case");
            assert_eq!(case.timeline.last().map(|e| e.kind), Some(EventType::Note));
        }
    }
}

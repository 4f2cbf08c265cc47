//! Commits off the session's lock, in the order the writes were made. A
//! write holds the session only while it judges and writes its files; it
//! queues its commit before letting go, and a single committer thread makes
//! the commits one after another from the bytes each write wrote (so each
//! commit holds exactly its own step, whatever the files hold by then). Pages
//! are never kept waiting for git; a form's answer waits for its own commit.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Mutex;

use crate::command::{commit_written, parent_of, tidy_git, Outcome, Session, ToCommit};
use crate::edit::Edit;
use crate::git::{Committed, Signature};
use std::collections::HashMap;

enum Job {
    Commit {
        edits: Vec<Edit>,
        subject: String,
        signed: Signature,
        done: Answer,
    },
    /// Answered once every commit queued before it is made.
    Flush(mpsc::Sender<()>),
}

/// Where a commit's outcome goes: the form's request, awaiting it without holding a thread.
type Answer = tokio::sync::oneshot::Sender<Outcome<Committed>>;

/// A commit queued, to be awaited.
pub(crate) type Pending = tokio::sync::oneshot::Receiver<Outcome<Committed>>;

/// The commit queue and the commit HEAD is known to be at.
pub(crate) struct Committer {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// The commit HEAD was at after the last commit the server made or saw: held while committing, so
    /// a look at HEAD never takes the server's own commit for one pulled from elsewhere.
    pub(crate) head: std::sync::Arc<Mutex<Option<String>>>,
    /// The bytes each file was last written with by a write whose commit is still queued: the file
    /// differs from HEAD by the server's own step, not by anyone's uncommitted edit.
    pending: std::sync::Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Committer {
    /// Starts the committer thread for the repository at `root`.
    pub(crate) fn start(root: PathBuf, head: Option<String>) -> std::io::Result<Committer> {
        let (send, receive) = mpsc::channel::<Job>();
        let head = std::sync::Arc::new(Mutex::new(head));
        let known = head.clone();
        let pending = std::sync::Arc::new(Mutex::new(HashMap::<String, Vec<u8>>::new()));
        let queued = pending.clone();
        std::thread::Builder::new().name("committer".into()).spawn(move || {
            let mut runs = 0u64;
            let mut next = receive.recv().ok();
            while let Some(job) = next.take() {
                match job {
                    Job::Commit { edits, subject, signed, done } => {
                        // The commits queued meanwhile go with it: each its own commit, the index told once.
                        let mut run = vec![(ToCommit { edits, subject, signed }, done)];
                        while let Ok(more) = receive.try_recv() {
                            match more {
                                Job::Commit { edits, subject, signed, done } => {
                                    run.push((ToCommit { edits, subject, signed }, done));
                                }
                                flush @ Job::Flush(_) => {
                                    next = Some(flush);
                                    break;
                                }
                            }
                        }
                        let mut head = known.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let (writes, answers): (Vec<ToCommit>, Vec<_>) = run.into_iter().unzip();
                        let outcomes = commit_written(&root, &writes);
                        // HEAD is known to be at the last commit only when the first was made on the HEAD
                        // known before: else something came from outside (a pull) and must still be read.
                        let first = outcomes.iter().find_map(|o| o.as_ref().ok());
                        let last = outcomes.iter().rev().find_map(|o| o.as_ref().ok());
                        if let (Some(first), Some(last)) = (first, last) {
                            if parent_of(&root, &first.id) == *head {
                                *head = Some(last.id.clone());
                            }
                        }
                        drop(head);
                        // What is committed is no longer pending (unless written again meanwhile).
                        let mut waiting = queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        for e in writes.iter().flat_map(|w| &w.edits) {
                            if waiting.get(&e.rel).is_some_and(|b| b.as_slice() == e.after.as_bytes()) {
                                waiting.remove(&e.rel);
                            }
                        }
                        drop(waiting);
                        for (outcome, done) in outcomes.into_iter().zip(answers) {
                            let _ = done.send(outcome);
                        }
                        // git commit would run `gc --auto` now and then; these commits are not made by it.
                        runs += 1;
                        if runs.is_multiple_of(100) {
                            if let Err(f) = tidy_git(&root) {
                                eprintln!("qinqing serve：git gc --auto 失败：{}", super::pages::failure_text(&f));
                            }
                        }
                    }
                    Job::Flush(done) => {
                        let _ = done.send(());
                    }
                }
                if next.is_none() {
                    next = receive.recv().ok();
                }
            }
        })?;
        Ok(Committer { jobs: Mutex::new(send), head, pending })
    }

    /// Queues the commit of a write; call it before letting go of the session, so commits keep the
    /// writes' order. The answer comes when it is made.
    pub(crate) fn queue(&self, edits: Vec<Edit>, subject: String, signed: Signature) -> Pending {
        let (done, answer) = tokio::sync::oneshot::channel();
        let mut waiting = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for e in &edits {
            waiting.insert(e.rel.clone(), e.after.as_bytes().to_vec());
        }
        drop(waiting);
        let jobs = self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = jobs.send(Job::Commit { edits, subject, signed, done });
        answer
    }

    /// Waits until every commit queued so far is made (before a command that commits by itself).
    pub(crate) fn flush(&self) {
        let (done, answer) = mpsc::channel();
        let sent = self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).send(Job::Flush(done));
        if sent.is_ok() {
            let _ = answer.recv();
        }
    }

    /// Refused when a file holds changes nobody has committed: what git has, or what a write of the
    /// server's own whose commit is queued wrote — anything else is someone's edit at a terminal.
    pub(crate) fn as_committed(&self, session: &Session, files: &[&str]) -> Result<(), crate::command::Refusal> {
        let waiting = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let others: Vec<&str> = files
            .iter()
            .copied()
            .filter(|f| {
                let now = session.scope().read(&session.root_dir().join(f)).ok();
                !(now.is_some() && waiting.get(*f).map(Vec::as_slice) == now.as_deref())
            })
            .collect();
        drop(waiting);
        crate::command::as_committed(session, &others)
    }
}

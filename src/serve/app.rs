//! The server's state: the repository opened once (its ledger kept current),
//! the accounts' folder, the logins, the pages' templates.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::auth::Login;
use super::Options;
use crate::command::{accounts, Open, Session};
use crate::text::mask::Redactor;

/// An overview kept, with the reading of the ledger it was made from.
type Kept = (u64, serde_json::Value);

/// Everything a request may need.
pub(crate) struct App {
    /// The repository, opened once; a write takes it for itself.
    pub(crate) session: RwLock<Session>,
    /// Where the accounts are.
    pub(crate) state_dir: PathBuf,
    /// Who is logged in, by session token.
    pub(crate) logins: Mutex<HashMap<String, Login>>,
    /// Receipt-code lookups that missed, per address.
    pub(crate) lookups: Mutex<super::enterprise::Lookups>,
    /// Online submissions per address, for the day's limit.
    pub(crate) senders: Mutex<super::submissions::Senders>,
    /// Failed logins per address and name, for the rate limit.
    pub(crate) failures: Mutex<HashMap<(IpAddr, String), Vec<Instant>>>,
    /// The date pages look at, when pinned.
    pub(crate) as_of: Option<NaiveDate>,
    /// Behind a TLS proxy.
    pub(crate) behind_proxy: bool,
    /// Password hashing at once: each Argon2id takes 19 MB, and twenty logins at the same moment must
    /// not take twenty times that (nor more cores than there are).
    pub(crate) hashing: tokio::sync::Semaphore,
    /// …done on two threads of their own: the 19 MB a hash takes is then reused, not kept by every thread that ever hashed.
    pub(crate) hashers: rayon::ThreadPool,
    /// One write at a time takes a thread: the others wait their turn without holding one, so the pages
    /// always have threads to run on.
    pub(crate) writing: tokio::sync::Semaphore,
    /// One page that looks at every case's clocks at a time (a day's overview, the whole list): each holds
    /// a snapshot of the whole ledger, and twenty at once would hold twenty.
    pub(crate) whole: tokio::sync::Semaphore,
    /// The overviews every viewer of a role sees alike (the office's day, a leader's figures), made once
    /// per reading of the ledger and date.
    overviews: Mutex<HashMap<(&'static str, NaiveDate), Kept>>,
    /// Bumped whenever the ledger is read again: what was derived from it (the redactor) is then stale.
    epoch: AtomicU64,
    redactor: Mutex<Option<(u64, Arc<Redactor>)>>,
    /// Every case's receipt code, made once per reading of the ledger and secret.
    codes: Mutex<Option<(u64, Arc<crate::command::receipts::CodeIndex>)>>,
    /// The repository's root folder.
    root: std::path::PathBuf,
    /// Commits in the writes' order, off the session's lock; it also knows where HEAD was last seen
    /// (a `git pull` moves it).
    pub(crate) committer: super::commits::Committer,
}

impl App {
    /// Opens the repository found from the options' folder; refuses one with unresolved merge conflicts.
    pub(crate) fn open(options: &Options) -> Result<App> {
        // Every field of every case: a leader's pages are masked with every contact name the repository
        // holds (the slim ledger keeps none), as the published ledger is.
        let open = Open { cache: false, detail: crate::load::Detail::Full, follow_writes: true, today: options.as_of };
        let session = Session::open(&options.repo, open)?;
        let unmerged = session.git().unmerged();
        if !unmerged.is_empty() {
            bail!("案件库有未解决的合并冲突，先解决再启动：{}", unmerged.join("、"));
        }
        super::view::templates()?;
        let state_dir = accounts::state_dir(session.root_dir(), options.state.as_deref());
        // The server hands out receipt codes: it starts with their secret.
        crate::command::receipts::secret_or_new(&state_dir)
            .map_err(|f| anyhow::anyhow!("{}", crate::serve::pages::failure_text(&f)))?;
        let head = session.git().head();
        let root = session.root_dir().to_path_buf();
        Ok(App {
            session: RwLock::new(session),
            state_dir,
            logins: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            lookups: Mutex::new(super::enterprise::Lookups::default()),
            senders: Mutex::new(super::submissions::Senders::default()),
            as_of: options.as_of,
            behind_proxy: options.behind_proxy,
            hashing: tokio::sync::Semaphore::new(2),
            hashers: rayon::ThreadPoolBuilder::new().num_threads(2).thread_name(|i| format!("hash-{i}")).build()?,
            whole: tokio::sync::Semaphore::new(1),
            writing: tokio::sync::Semaphore::new(1),
            overviews: Mutex::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            redactor: Mutex::new(None),
            codes: Mutex::new(None),
            committer: super::commits::Committer::start(root.clone(), head)?,
            root,
        })
    }

    /// Whether any account can log in.
    pub(crate) fn has_accounts(&self) -> bool {
        accounts::list(&self.state_dir).is_ok_and(|a| a.iter().any(|a| !a.disabled))
    }

    /// The session to read.
    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, Session> {
        self.session.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The session to write through (one write at a time; readers wait). What was derived from the
    /// ledger is stale once it is let go.
    pub(crate) fn write(&self) -> Writing<'_> {
        Writing { session: self.session.write().unwrap_or_else(std::sync::PoisonError::into_inner), epoch: &self.epoch }
    }

    /// What masks the ledger's personal data for a leader's pages, made once per reading of the ledger.
    pub(crate) fn redactor(&self, session: &Session) -> Arc<Redactor> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        let mut slot = self.redactor.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*slot {
            Some((e, r)) if *e == epoch => r.clone(),
            _ => {
                let r = Arc::new(session.ledger().redactor());
                *slot = Some((epoch, r.clone()));
                r
            }
        }
    }

    /// Every case's and submission's receipt code under this secret, made once per reading of the ledger
    /// (and again after a rotation).
    pub(crate) fn code_index(&self, session: &Session, secret: &[u8]) -> Arc<crate::command::receipts::CodeIndex> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        let mut slot = self.codes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*slot {
            Some((e, index)) if *e == epoch && index.is_for(secret) => index.clone(),
            _ => {
                let ledger = session.ledger();
                let ids = ledger.cases.iter().map(|c| c.id.value.as_str());
                let ids = ids.chain(ledger.submissions.iter().map(|s| s.id.value.as_str()));
                let index = Arc::new(crate::command::receipts::CodeIndex::new(secret, ids));
                *slot = Some((epoch, index.clone()));
                index
            }
        }
    }

    /// An overview of the whole ledger for a role, made once per reading of the ledger and date.
    pub(crate) fn overview(
        &self,
        role: &'static str,
        today: NaiveDate,
        make: impl FnOnce() -> serde_json::Value,
    ) -> serde_json::Value {
        let epoch = self.epoch.load(Ordering::SeqCst);
        // Held while it is made: a second viewer waits for this one instead of making another.
        let mut kept = self.overviews.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((e, v)) = kept.get(&(role, today)) {
            if *e == epoch {
                return v.clone();
            }
        }
        let v = make();
        kept.insert((role, today), (epoch, v.clone()));
        v
    }

    /// The date pages look at.
    pub(crate) fn today(&self, session: &Session) -> NaiveDate {
        session.date(self.as_of)
    }

    /// Runs ledger work off the async threads.
    pub(crate) async fn blocking(self: &Arc<Self>, f: impl FnOnce(&App) -> Response + Send + 'static) -> Response {
        let app = self.clone();
        match tokio::task::spawn_blocking(move || f(&app)).await {
            Ok(r) => r,
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误").into_response(),
        }
    }

    /// Runs ledger work off the async threads, for what it gives (`None` if it panicked).
    pub(crate) async fn blocking_for<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&App) -> T + Send + 'static,
    ) -> Option<T> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || f(&app)).await.ok()
    }

    /// Runs work that looks at every case's clocks: one such at a time.
    pub(crate) async fn whole(self: &Arc<Self>, f: impl FnOnce(&App) -> Response + Send + 'static) -> Response {
        let _one = self.whole.acquire().await;
        let app = self.clone();
        match tokio::task::spawn_blocking(move || f(&app)).await {
            Ok(r) => r,
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误").into_response(),
        }
    }

    /// Reads the ledger again when something outside the server changed the
    /// repository: a command's write (the write generation) or a commit (`git pull`).
    fn catch_up(&self) -> Result<()> {
        let moved = {
            // Looked at while no commit of the server's own is being made — and without the session: a
            // write holding it may be waiting for the committer, which waits for this lock.
            let mut known = self.committer.head.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let head = crate::command::head(&self.root);
            let moved = *known != head;
            *known = head;
            moved
        };
        if !moved && !self.read().stale() {
            return Ok(());
        }
        let mut session = self.write();
        if let Err(e) = session.refresh() {
            // Tried again at the next look: the change is not taken as seen.
            *self.committer.head.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            return Err(e);
        }
        Ok(())
    }
}

/// Every two seconds, catch up with changes made outside the server.
pub(crate) async fn follow_outside_changes(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tick.tick().await;
        let app = app.clone();
        let result = tokio::task::spawn_blocking(move || app.catch_up()).await;
        if let Ok(Err(e)) = result {
            eprintln!("qinqing serve：重新读取案件库失败：{e:#}");
        }
    }
}

/// The session taken for a write. Letting it go marks what was derived from the ledger stale — before
/// the lock is released, so a reader never takes an old overview for the new ledger's.
pub(crate) struct Writing<'a> {
    session: std::sync::RwLockWriteGuard<'a, Session>,
    epoch: &'a AtomicU64,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }
}

impl std::ops::Deref for Writing<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl std::ops::DerefMut for Writing<'_> {
    fn deref_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

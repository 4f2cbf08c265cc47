//! The web server's accounts, kept in the state folder (`.qinqing-private/`
//! by default): never in git (the folder ignores itself), owner-only, each
//! password an Argon2id hash with its own salt. `qinqing user add|list|disable|reset`
//! and the server's login read and write them through here.

use std::path::{Path, PathBuf};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

use super::{Outcome, Refusal};
use crate::fsx::Scope;
use crate::model::role::Role;
use crate::model::Named;

/// The state folder's default name, in the repository.
pub(crate) const STATE_DIR: &str = ".qinqing-private";
const FILE: &str = "accounts.json";
/// A hash nobody's password matches, checked for a name that has no account.
const UNKNOWN: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3d4PnpD3HQZDakLHOZAYPH1+hB0oDC6Yxz1qw1dQ/bg";
/// Shortest password taken.
const MIN_PASSWORD: usize = 8;

/// One account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Account {
    /// The name a person logs in with (王某).
    pub(crate) name: String,
    /// Its role's English key.
    pub(crate) role: String,
    /// A department account's department (its full name).
    pub(crate) department: Option<String>,
    /// Where a commit's author email comes from.
    pub(crate) email: Option<String>,
    /// Manages accounts (an office account).
    #[serde(default)]
    pub(crate) admin: bool,
    /// The Argon2id hash (PHC string).
    pub(crate) password: String,
    /// A disabled account cannot log in.
    #[serde(default)]
    pub(crate) disabled: bool,
    /// A one-time link to set the password, while it is unused and unexpired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) setup: Option<Setup>,
}

/// A one-time link to set a password: only its token's hash is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Setup {
    /// SHA-256 of the token, hex.
    pub(crate) token_hash: String,
    /// Until when it works (seconds since 1970).
    pub(crate) expires: i64,
}

/// How long a link to set a password works.
const SETUP_HOURS: i64 = 72;

/// A new one-time token and what is kept of it.
fn new_setup() -> (String, Setup) {
    use rand_core::RngCore;
    let mut bytes = [0u8; 24];
    rand_core::OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let expires = chrono::Utc::now().timestamp() + SETUP_HOURS * 3600;
    (token.clone(), Setup { token_hash: token_hash(&token), expires })
}

fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The path of the page where a one-time link's holder sets the password (after the server's address).
pub(crate) fn setup_path(token: &str) -> String {
    format!("/welcome/{token}")
}

impl Account {
    /// The account's role.
    pub(crate) fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Store {
    version: u32,
    accounts: Vec<Account>,
}

/// The state folder: the one given, else `.qinqing-private/` in the repository.
pub(crate) fn state_dir(root: &Path, given: Option<&Path>) -> PathBuf {
    given.map_or_else(|| root.join(STATE_DIR), Path::to_path_buf)
}

/// A new account.
#[derive(Debug, Clone)]
pub(crate) struct NewAccount {
    pub(crate) name: String,
    pub(crate) role: String,
    pub(crate) department: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) admin: bool,
    /// The password; none gives a one-time link to set it.
    pub(crate) password: Option<String>,
}

/// An account added, with the token of its one-time link when it was given no password.
#[derive(Debug)]
pub(crate) struct Added {
    pub(crate) account: Account,
    pub(crate) link: Option<String>,
}

/// Adds an account; its department must be one of the registry's (written by its full name).
pub(crate) fn add(session: &super::Session, state: &Path, new: NewAccount) -> Outcome<Added> {
    let name = new.name.trim().to_string();
    if name.is_empty() {
        return Err(Refusal::request("账号名称不能为空").into());
    }
    super::plain_text("name", "账号名称", &name)?;
    let Some(role) = Role::parse(new.role.trim()) else {
        return Err(Refusal::field(
            "role",
            format!("未知角色「{}」；可选：{}", new.role, crate::model::enums::spellings::<Role>()),
        )
        .into());
    };
    if !role.has_accounts() {
        return Err(Refusal::field("role", "企业不建账号：凭回执上的回执码查看办理进度、评价答复").into());
    }
    let department = match (role, new.department.as_deref().map(str::trim)) {
        (Role::Department, Some(d)) if !d.is_empty() => {
            Some(session.ledger().known_department(d).map_err(|why| Refusal::field("dept", why))?)
        }
        (Role::Department, _) => return Err(Refusal::field("dept", "部门账号须写明所属部门").into()),
        (_, Some(d)) => {
            return Err(
                Refusal::field("dept", format!("「{}」账号不属于部门，不写 --dept（写了「{d}」）", role.zh())).into()
            )
        }
        (_, None) => None,
    };
    if new.admin && !role.may_administer() {
        return Err(Refusal::field("admin", "只有营商办的账号可以管理账号").into());
    }
    let mut store = read(state)?;
    if store.accounts.iter().any(|a| a.name == name) {
        return Err(Refusal::request(format!("已有名为「{name}」的账号；改密码用 qinqing user reset")).into());
    }
    let (password, link, setup) = match &new.password {
        Some(p) => (hash(p)?, None, None),
        None => {
            let (token, setup) = new_setup();
            (String::new(), Some(token), Some(setup))
        }
    };
    let account = Account {
        name,
        role: role.key().to_string(),
        department,
        email: new.email.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()),
        admin: new.admin,
        password,
        disabled: false,
        setup,
    };
    store.accounts.push(account.clone());
    write(state, &store)?;
    Ok(Added { account, link })
}

/// Every account, as written.
pub(crate) fn list(state: &Path) -> Outcome<Vec<Account>> {
    Ok(read(state)?.accounts)
}

/// Disables an account: it can no longer log in.
pub(crate) fn disable(state: &Path, name: &str) -> Outcome<()> {
    let mut store = read(state)?;
    let account = find(&mut store, name)?;
    account.disabled = true;
    write(state, &store)?;
    Ok(())
}

/// Gives an account a new password, and enables it; with none, the old one stops working and a
/// one-time link to set a new one is made (its token returned).
pub(crate) fn reset(state: &Path, name: &str, password: Option<&str>) -> Outcome<Option<String>> {
    let mut store = read(state)?;
    let (hashed, link, setup) = match password {
        Some(p) => (hash(p)?, None, None),
        None => {
            let (token, setup) = new_setup();
            (String::new(), Some(token), Some(setup))
        }
    };
    let account = find(&mut store, name)?;
    account.password = hashed;
    account.setup = setup;
    account.disabled = false;
    write(state, &store)?;
    Ok(link)
}

/// Whether an account logged in as `was` still opens: not disabled, its password not reset since.
pub(crate) fn still_opens(state: &Path, was: &Account) -> bool {
    read(state).is_ok_and(|store| {
        store.accounts.iter().any(|a| a.name == was.name && !a.disabled && a.password == was.password)
    })
}

/// The account a one-time link is for, while it works.
pub(crate) fn awaiting(state: &Path, token: &str) -> Option<Account> {
    let hash = token_hash(token.trim());
    let now = chrono::Utc::now().timestamp();
    read(state)
        .ok()?
        .accounts
        .into_iter()
        .find(|a| !a.disabled && a.setup.as_ref().is_some_and(|s| s.token_hash == hash && s.expires > now))
}

/// Sets the password through a one-time link, which then stops working.
pub(crate) fn redeem(state: &Path, token: &str, password: &str) -> Outcome<Account> {
    let Some(found) = awaiting(state, token) else {
        return Err(Refusal::request("链接已失效（用过、过期或已重设）；请营商办重新发一个").into());
    };
    let hashed = hash(password)?;
    let mut store = read(state)?;
    let account = find(&mut store, &found.name)?;
    // Reset meanwhile (a new link made): this one no longer works.
    if account.setup.as_ref().is_none_or(|s| s.token_hash != token_hash(token.trim())) {
        return Err(Refusal::request("链接已失效（用过、过期或已重设）；请营商办重新发一个").into());
    }
    account.password = hashed;
    account.setup = None;
    let done = account.clone();
    write(state, &store)?;
    Ok(done)
}

/// The account a name and password open, if any: an unknown name, a wrong password and a
/// disabled account are the same `None` (nothing tells which names exist).
pub(crate) fn verify(state: &Path, name: &str, password: &str) -> Option<Account> {
    let store = read(state).ok()?;
    let found = store.accounts.into_iter().find(|a| a.name == name.trim() && !a.disabled);
    // An unknown name costs the same hashing as a known one: the time says nothing of which exist.
    // An account still waiting for its password opens with none.
    let hashed = found.as_ref().map(|a| a.password.as_str()).filter(|p| !p.is_empty()).unwrap_or(UNKNOWN);
    let parsed = PasswordHash::new(hashed).ok()?;
    let right = argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    found.filter(|a| right && !a.password.is_empty())
}

fn find<'s>(store: &'s mut Store, name: &str) -> Result<&'s mut Account, Refusal> {
    let names: Vec<String> = store.accounts.iter().map(|a| a.name.clone()).collect();
    store.accounts.iter_mut().find(|a| a.name == name.trim()).ok_or_else(|| {
        let hint = crate::diag::closest(name, names.iter().map(String::as_str))
            .map(|n| format!("；是否为「{n}」？"))
            .unwrap_or_default();
        Refusal::request(format!("没有名为「{name}」的账号{hint}"))
    })
}

fn hash(password: &str) -> Result<String, Refusal> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Refusal::field("password", format!("密码至少 {MIN_PASSWORD} 个字符")));
    }
    if password.chars().filter(|c| !c.is_whitespace()).count() < MIN_PASSWORD / 2 {
        return Err(Refusal::field("password", "密码不能主要由空格组成"));
    }
    let salt = SaltString::generate(&mut rand_core::OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Refusal::request(format!("无法计算密码的散列：{e}")))
}

fn read(state: &Path) -> Result<Store, Refusal> {
    let path = state.join(FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Refusal::request(format!("{} 已损坏（第{}行），请从备份恢复", path.display(), e.line()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store { version: 1, accounts: Vec::new() }),
        Err(e) => Err(Refusal::request(format!("无法读取 {}：{}", path.display(), crate::text::io_words(&e)))),
    }
}

/// Writes the accounts owner-only, in an owner-only folder that tells git to ignore it.
fn write(state: &Path, store: &Store) -> Result<(), Refusal> {
    let text = serde_json::to_vec_pretty(&Store { version: 1, accounts: store.accounts.clone() })
        .map_err(|e| Refusal::request(format!("无法写入 {}：{e}", state.display())))?;
    write_private(state, FILE, &text)
}

/// Writes a file of the state folder (accounts, the receipt secret): owner-only, in an owner-only folder
/// that tells git to ignore it; never through a link, never into the repository itself.
pub(crate) fn write_private(state: &Path, name: &str, bytes: &[u8]) -> Result<(), Refusal> {
    let failed = |e: anyhow::Error| Refusal::request(format!("无法写入 {}：{e:#}", state.display()));
    // Never through a link (a cloned repository may carry one), never a repository's own folder.
    if std::fs::symlink_metadata(state).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Refusal::request(format!(
            "{} 是符号链接，账号与密钥不写进链接指向的地方；请换成普通文件夹",
            state.display()
        )));
    }
    if state.join(crate::load::SETTINGS_FILE).exists() {
        return Err(Refusal::request(format!("{} 是案件库本身，账号与密钥须放在单独的状态文件夹中", state.display())));
    }
    let scope = Scope::new(state);
    scope.create_dir_all(state).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(state, std::fs::Permissions::from_mode(0o700)).map_err(|e| failed(e.into()))?;
    }
    // Never committed, whatever the repository's own .gitignore says.
    let ignore = state.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        if let Err(e) = scope.write_new(&ignore, b"*\n") {
            if std::fs::symlink_metadata(&ignore).is_err() {
                return Err(failed(e));
            }
        }
    }
    let path = state.join(name);
    scope.replace(&path, bytes).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(|e| failed(e.into()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{demo_copy, Open, Session};

    fn new(name: &str, role: &str, dept: Option<&str>) -> NewAccount {
        NewAccount {
            name: name.into(),
            role: role.into(),
            department: dept.map(String::from),
            email: None,
            admin: false,
            password: Some("一二三四五六七八".into()),
        }
    }

    #[test]
    fn accounts_are_kept_private_hashed_and_checked() {
        let dir = demo_copy();
        let session = Session::open(dir.path(), Open::slim()).expect("opens");
        let state = state_dir(dir.path(), None);
        let added = add(&session, &state, new("王某", "部门", Some("交通局"))).expect("added").account;
        assert_eq!((added.role.as_str(), added.department.as_deref()), ("department", Some("市交通运输局")));
        assert!(added.password.starts_with("$argon2id$") && !added.password.contains("一二三"));
        // The right password opens it; a wrong one, an unknown name and a disabled account are the same None.
        assert!(verify(&state, "王某", "一二三四五六七八").is_some());
        assert!(verify(&state, "王某", "一二三四五六七九").is_none());
        assert!(verify(&state, "李某", "一二三四五六七八").is_none());
        assert!(PasswordHash::new(UNKNOWN).is_ok(), "an unknown name is hashed like a known one");
        disable(&state, "王某").unwrap();
        assert!(verify(&state, "王某", "一二三四五六七八").is_none());
        reset(&state, "王某", Some("新的密码12345")).unwrap();
        assert!(verify(&state, "王某", "新的密码12345").is_some());
        // Refused: a second account of the name, a department not in the registry, a department
        // on an office account, a department account without one, a short password, an unknown role.
        assert!(add(&session, &state, new("王某", "office", None)).is_err());
        assert!(add(&session, &state, new("赵某", "department", Some("市不存在局"))).is_err());
        assert!(add(&session, &state, new("赵某", "office", Some("交通局"))).is_err());
        assert!(add(&session, &state, new("赵某", "department", None)).is_err());
        assert!(
            add(&session, &state, NewAccount { password: Some("短".into()), ..new("赵某", "office", None) }).is_err()
        );
        assert!(add(&session, &state, new("赵某", "boss", None)).is_err());
        assert!(add(&session, &state, new("某公司", "enterprise", None)).is_err(), "enterprises have no accounts");
        // Owner-only, and git is told to ignore the folder.
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&state).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(std::fs::metadata(state.join(FILE)).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(state.join(".gitignore")).unwrap(), "*\n");
        assert_eq!(list(&state).unwrap().len(), 1);
        // Never through a link, never into the repository itself.
        let linked = dir.path().join("linked");
        std::os::unix::fs::symlink(&state, &linked).unwrap();
        assert!(add(&session, &linked, new("钱某", "office", None)).is_err());
        assert!(add(&session, dir.path(), new("钱某", "office", None)).is_err());
    }

    #[test]
    fn a_one_time_link_sets_the_password_once() {
        let dir = demo_copy();
        let session = Session::open(dir.path(), Open::slim()).expect("opens");
        let state = state_dir(dir.path(), None);
        let added = add(&session, &state, NewAccount { password: None, ..new("王某", "department", Some("交通局")) })
            .expect("added");
        let token = added.link.expect("a link");
        // Only the token's hash is kept; with no password nothing opens the account.
        let kept = std::fs::read_to_string(state.join(FILE)).unwrap();
        assert!(!kept.contains(&token) && kept.contains(&token_hash(&token)));
        assert!(verify(&state, "王某", "").is_none());
        assert_eq!(awaiting(&state, &token).map(|a| a.name), Some("王某".to_string()));
        assert!(awaiting(&state, "0123").is_none());
        assert!(redeem(&state, &token, "短").is_err(), "the password rules hold");
        assert!(redeem(&state, &token, "          ").is_err(), "spaces are no password");
        let done = redeem(&state, &token, "自己设的密码123").expect("set");
        assert_eq!(done.name, "王某");
        assert!(verify(&state, "王某", "自己设的密码123").is_some());
        assert!(redeem(&state, &token, "再来一次的密码").is_err(), "used once");
        // A reset without a password: the old one stops working, a new link works.
        let again = reset(&state, "王某", None).expect("reset").expect("a new link");
        assert!(verify(&state, "王某", "自己设的密码123").is_none());
        assert!(awaiting(&state, &token).is_none() && awaiting(&state, &again).is_some());
    }
}

//! Receipt codes (回执码): what an enterprise types, or scans from the QR code
//! on its receipt, to follow its own case without an account. A code is the
//! HMAC-SHA256 of the case's id under the state folder's secret, cut to 60
//! bits and written in 12 characters of an alphabet with no look-alikes (no
//! 0/O, no 1/I) — derived, so there is no table to lose; rotating the secret
//! revokes every code at once. Written by hand: no crate derives typable codes
//! from a keyed hash, and the whole of it is the few lines below.

use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Outcome, Refusal};

/// The secret's file in the state folder.
const SECRET_FILE: &str = "receipt-secret";
/// 32 symbols: five bits each, none mistaken for another when typed from paper.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters of a code: 60 bits.
const LENGTH: usize = 12;

/// The secret codes are derived with. A state folder without one is refused, never given a new one
/// quietly: codes made from a secret the server does not hold (a clone, a mistyped `--state`) would be
/// printed on receipts that open nothing. The server makes it when it starts ([`secret_or_new`]);
/// `qinqing receipt rotate` makes or replaces it.
pub(crate) fn secret(state: &Path) -> Outcome<Vec<u8>> {
    let path = state.join(SECRET_FILE);
    // A secret is 32 bytes; a file of any other size is read no further than shows it is not one.
    let read = std::fs::File::open(&path).and_then(|f| {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut bytes).map(|_| bytes)
    });
    match read {
        Ok(bytes) if (32..4096).contains(&bytes.len()) => Ok(bytes),
        Ok(_) => Err(Refusal::request(format!(
            "{} 已损坏；用 qinqing receipt rotate 换一个（已发出的回执码随之失效）",
            path.display()
        ))
        .into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Refusal::request(format!(
            "{} 中没有回执码的密钥。回执码由 qinqing serve 所用状态文件夹中的密钥算出：请在运行网页服务的机器上执行，\
             或指向那个文件夹（--state，notify 用 --state-dir）；还没有用过回执码的，先运行 qinqing receipt rotate 生成密钥",
            state.display()
        ))
        .into()),
        Err(e) => Err(Refusal::request(format!("无法读取 {}：{}", path.display(), crate::text::io_words(&e))).into()),
    }
}

/// The secret, made if the state folder has none (the web server, which hands out codes, starts with one).
pub(crate) fn secret_or_new(state: &Path) -> Outcome<Vec<u8>> {
    match std::fs::symlink_metadata(state.join(SECRET_FILE)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => rotate(state),
        _ => secret(state),
    }
}

/// Whether the state folder holds a secret.
pub(crate) fn has_secret(state: &Path) -> bool {
    std::fs::symlink_metadata(state.join(SECRET_FILE)).is_ok()
}

/// Replaces the secret: every code given out so far stops working (receipts must be made again).
pub(crate) fn rotate(state: &Path) -> Outcome<Vec<u8>> {
    use rand_core::RngCore;
    let mut bytes = vec![0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    super::accounts::write_private(state, SECRET_FILE, &bytes)?;
    Ok(bytes)
}

/// The codes of these cases or online submissions (each must exist), for the office to hand out.
pub(crate) fn codes(session: &super::Session, state: &Path, ids: &[String]) -> Outcome<Vec<(String, String)>> {
    let secret = secret(state)?;
    ids.iter()
        .map(|id| {
            if let Some(s) = session.ledger().submission(id) {
                return Ok((s.id.value.clone(), code(&secret, &s.id.value)));
            }
            let case = super::record::find_case(session, id)?;
            Ok((case.id.value.clone(), code(&secret, &case.id.value)))
        })
        .collect()
}

/// A case's code, as printed: `ABCD-EFGH-JKLM`.
pub(crate) fn code(secret: &[u8], case_id: &str) -> String {
    dashed(&raw_code(secret, case_id))
}

fn raw_code(secret: &[u8], case_id: &str) -> String {
    // A key of any length is taken (HMAC pads or hashes it).
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return String::new() };
    mac.update(b"qinqing-receipt\0");
    mac.update(case_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    // The first 60 bits, five at a time.
    let bits = digest.iter().take(8).fold(0u64, |acc, b| (acc << 8) | u64::from(*b)) >> 4;
    (0..LENGTH).map(|i| ALPHABET[((bits >> (5 * (LENGTH - 1 - i))) & 31) as usize] as char).collect()
}

/// A code as typed (any case, spaces or dashes anywhere), or `None` when it cannot be one: a wrong
/// character or length says nothing about which codes exist.
pub(crate) fn normalise(typed: &str) -> Option<String> {
    let raw: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (raw.len() == LENGTH && raw.bytes().all(|b| ALPHABET.contains(&b))).then_some(raw)
}

/// A typed code written as printed (`ABCD-EFGH-JKLM`), or `None` when it cannot be one.
pub(crate) fn formatted(typed: &str) -> Option<String> {
    normalise(typed).map(|raw| dashed(&raw))
}

/// Twelve code characters in three groups of four.
fn dashed(raw: &str) -> String {
    match (raw.get(..4), raw.get(4..8), raw.get(8..)) {
        (Some(a), Some(b), Some(c)) if raw.len() == LENGTH => format!("{a}-{b}-{c}"),
        _ => raw.to_string(),
    }
}

/// Every case's code, to look typed codes up in one step: made once for a set of ids and a secret
/// (100,000 HMACs are a tenth of a second; a lookup should not pay them).
pub(crate) struct CodeIndex {
    secret: Vec<u8>,
    by_code: std::collections::HashMap<String, String>,
}

impl CodeIndex {
    /// The codes of these cases under this secret.
    pub(crate) fn new<'a>(secret: &[u8], ids: impl IntoIterator<Item = &'a str>) -> CodeIndex {
        let by_code = ids.into_iter().map(|id| (raw_code(secret, id), id.to_string())).collect();
        CodeIndex { secret: secret.to_vec(), by_code }
    }

    /// Whether it was made under this secret (a rotated secret needs a new index).
    pub(crate) fn is_for(&self, secret: &[u8]) -> bool {
        self.secret == secret
    }

    /// The id of the case a typed code is for, if any.
    pub(crate) fn find(&self, typed: &str) -> Option<&str> {
        self.by_code.get(&normalise(typed)?).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_derived_and_revoked_by_rotating() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = dir.path().join("state");
        assert!(secret(&state).is_err(), "no secret is made quietly");
        // A file far larger than a secret is not one, and is not read whole.
        std::fs::create_dir_all(&state).expect("state");
        std::fs::write(state.join(SECRET_FILE), vec![7u8; 1 << 20]).expect("big file");
        assert!(secret(&state).is_err() && secret_or_new(&state).is_err(), "a damaged secret is not replaced quietly");
        std::fs::remove_file(state.join(SECRET_FILE)).expect("removed");
        let secret1 = secret_or_new(&state).expect("made");
        assert_eq!(secret(&state).expect("read again"), secret1, "kept");
        let code = code(&secret1, "HZ-2026-0131");
        assert_eq!(code.len(), 14);
        assert!(code.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert!(!code.contains(['0', 'O', '1', 'I']), "no look-alikes: {code}");
        // Found from how a person types it, and only for its own case.
        let ids = ["HZ-2026-0101", "HZ-2026-0131", "HZ-2026-0175"];
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        let index = CodeIndex::new(&secret1, ids);
        assert_eq!(index.find(&typed), Some("HZ-2026-0131"));
        assert_ne!(super::code(&secret1, "HZ-2026-0101"), code);
        assert_eq!(index.find("ABCD-EFGH-JKL0"), None, "a look-alike is no code");
        assert_eq!(index.find("ABCD"), None);
        // Rotated: the old code finds nothing.
        let secret2 = rotate(&state).expect("rotated");
        assert_ne!(secret1, secret2);
        assert!(!index.is_for(&secret2), "a rotated secret needs a new index");
        assert_eq!(CodeIndex::new(&secret2, ids).find(&code), None);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(state.join(SECRET_FILE)).expect("file").permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_code_carries_sixty_bits_spread_over_the_alphabet() {
        // Ten thousand ids give ten thousand codes, and every symbol is used in every place.
        let secret = vec![7u8; 32];
        let codes: std::collections::HashSet<String> =
            (0..10_000).map(|i| raw_code(&secret, &format!("C-{i}"))).collect();
        assert_eq!(codes.len(), 10_000);
        for place in 0..LENGTH {
            let used: std::collections::HashSet<u8> = codes.iter().map(|c| c.as_bytes()[place]).collect();
            assert_eq!(used.len(), 32, "place {place}");
        }
    }
}

//! Sending a digest: the group robots of WeCom (企业微信), DingTalk (钉钉,
//! signed with HMAC-SHA256 when the robot has a secret) and Feishu (飞书), a
//! generic JSON webhook (ureq), and email over SMTP (lettre). Each send is
//! retried with a growing pause; a failure is returned, never raised, so one
//! recipient's failure does not stop the others.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::model::notify::{Channel, Smtp};

/// How hard to try: attempts, the first pause (doubled after each failure), and the time one attempt may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Patience {
    pub(crate) attempts: u32,
    pub(crate) pause: Duration,
    pub(crate) timeout: Duration,
}

impl Patience {
    /// Three attempts, pauses of 2 s then 4 s, 10 s per attempt; tests shorten them through
    /// `QINQING_NOTIFY_PAUSE_MS` and `QINQING_NOTIFY_TIMEOUT_MS`.
    pub(crate) fn from_env() -> Patience {
        let ms = |name: &str, default: u64| {
            Duration::from_millis(std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default))
        };
        Patience {
            attempts: 3,
            pause: ms("QINQING_NOTIFY_PAUSE_MS", 2000),
            timeout: ms("QINQING_NOTIFY_TIMEOUT_MS", 10_000),
        }
    }
}

/// What one send did.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// How many attempts were made.
    pub(crate) attempts: u32,
    /// The last error, when every attempt failed.
    pub(crate) error: Option<String>,
}

/// Why a send failed: a setting that is wrong will be wrong on the next attempt too; a
/// receiver that failed may answer the next one.
#[derive(Debug)]
enum Failure {
    Setting(String),
    Delivery(String),
}

fn env(name: &str) -> Result<String, Failure> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Failure::Setting(format!("环境变量 {name} 未设置")))
}

/// HMAC-SHA256 of a message, base64.
fn sign(key: &[u8], message: &[u8]) -> Result<String, Failure> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| Failure::Setting(format!("签名密钥无效：{e}")))?;
    mac.update(message);
    Ok(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// The body and address of a robot message, signed as the platform requires.
fn request(
    channel: &Channel,
    text: &str,
    extra: &serde_json::Value,
    now_ms: i64,
) -> Result<(String, serde_json::Value), Failure> {
    use serde_json::json;
    match channel {
        Channel::WeCom { url_env } => Ok((env(url_env)?, json!({ "msgtype": "text", "text": { "content": text } }))),
        Channel::DingTalk { url_env, secret_env } => {
            let mut url = env(url_env)?;
            if let Some(s) = secret_env {
                // DingTalk: sign "timestamp\nsecret" with the secret, base64, URL-encoded.
                let secret = env(s)?;
                let signature = sign(secret.as_bytes(), format!("{now_ms}\n{secret}").as_bytes())?;
                let sep = if url.contains('?') { '&' } else { '?' };
                url = format!("{url}{sep}timestamp={now_ms}&sign={}", urlencode(&signature));
            }
            Ok((url, json!({ "msgtype": "text", "text": { "content": text } })))
        }
        Channel::Feishu { url_env, secret_env } => {
            let url = env(url_env)?;
            let mut body = json!({ "msg_type": "text", "content": { "text": text } });
            if let Some(s) = secret_env {
                // Feishu: the key is "timestamp\nsecret", the message empty.
                let secret = env(s)?;
                let seconds = now_ms / 1000;
                body["timestamp"] = json!(seconds.to_string());
                body["sign"] = json!(sign(format!("{seconds}\n{secret}").as_bytes(), b"")?);
            }
            Ok((url, body))
        }
        Channel::Webhook { url_env } => {
            let mut body = extra.clone();
            body["text"] = json!(text);
            Ok((env(url_env)?, body))
        }
        Channel::Email { .. } => Err(Failure::Setting("邮件不经 webhook 发送".to_string())),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One attempt at a webhook: a 2xx answer whose JSON, if any, does not report an error code.
fn post(url: &str, body: &serde_json::Value, timeout: Duration) -> Result<(), Failure> {
    // A redirect is not followed: following a POST's 302 would send a GET without the message
    // and count the page it lands on as delivered. A 3xx is a failure, and retried.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/json; charset=utf-8")
        .send(body.to_string())
        .map_err(|e| Failure::Delivery(redact(&format!("无法送达：{e}"), url)))?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    if (300..400).contains(&status) {
        return Err(Failure::Delivery(format!("HTTP {status}：接收方要求跳转到别处，未跟随（请核对地址）")));
    }
    if !(200..300).contains(&status) {
        // The receiver's answer may echo the address, and with it the robot's key.
        let said: String = text.chars().take(200).collect();
        return Err(Failure::Delivery(redact(&format!("HTTP {status}：{said}"), url)));
    }
    // WeCom and DingTalk answer errcode, Feishu code; 0 is success.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        for key in ["errcode", "code", "StatusCode"] {
            if let Some(code) = v.get(key).and_then(|c| c.as_i64()).filter(|c| *c != 0) {
                let message = v.get("errmsg").or(v.get("msg")).and_then(|m| m.as_str()).unwrap_or("");
                return Err(Failure::Delivery(redact(&format!("{key} {code}：{message}"), url)));
            }
        }
    }
    Ok(())
}

/// A message with every secret part of a webhook's address masked: the address
/// itself, its query values (access_token, key, sign) and its long path parts
/// (a token in the path), however the receiver quoted them back.
fn redact(message: &str, url: &str) -> String {
    let mut secrets: Vec<String> = vec![url.to_string()];
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let (host_path, query) = after_scheme.split_once('?').unwrap_or((after_scheme, ""));
    if let Some((_, path)) = host_path.split_once('/') {
        secrets.push(format!("/{path}"));
        secrets.extend(path.split('/').filter(|p| p.len() >= 8).map(str::to_string));
    }
    if !query.is_empty() {
        secrets.push(query.to_string());
    }
    for pair in query.split('&') {
        if let Some((_, value)) = pair.split_once('=') {
            if value.len() >= 4 {
                secrets.push(value.to_string());
                // As the receiver may have decoded it.
                if let Ok(decoded) = urlencoding_decode(value) {
                    secrets.push(decoded);
                }
            }
        }
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.into_iter().filter(|s| !s.is_empty()).fold(message.to_string(), |m, s| m.replace(&s, "***"))
}

/// Percent-decoding of a query value (what `urlencode` wrote).
fn urlencoding_decode(s: &str) -> Result<String, ()> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).map_err(|_| ())?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

/// One attempt at an email.
fn mail(smtp: &Smtp, to: &[String], subject: &str, text: &str, timeout: Duration) -> Result<(), Failure> {
    use lettre::message::{header::ContentType, Mailbox};
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{Message, SmtpTransport, Transport};
    let setting = |m: String| Failure::Setting(m);
    let from: Mailbox = smtp.from.parse().map_err(|e| setting(format!("发件地址「{}」无效：{e}", smtp.from)))?;
    let mut builder = Message::builder().from(from).subject(subject).header(ContentType::TEXT_PLAIN);
    for t in to {
        builder = builder.to(t.parse().map_err(|e| setting(format!("收件地址「{t}」无效：{e}")))?);
    }
    let message = builder.body(text.to_string()).map_err(|e| setting(e.to_string()))?;
    let transport = match smtp.security.as_str() {
        "tls" => SmtpTransport::relay(&smtp.host),
        "none" => Ok(SmtpTransport::builder_dangerous(&smtp.host)),
        _ => SmtpTransport::starttls_relay(&smtp.host),
    }
    .map_err(|e| setting(format!("SMTP 服务器「{}」无效：{e}", smtp.host)))?;
    let mut transport = transport.port(smtp.port).timeout(Some(timeout));
    if let (Some(u), Some(p)) = (&smtp.user_env, &smtp.password_env) {
        transport = transport.credentials(Credentials::new(env(u)?, env(p)?));
    }
    transport.build().send(&message).map(drop).map_err(|e| Failure::Delivery(format!("邮件未送达：{e}")))
}

/// Sends a digest on one channel, retrying with a growing pause.
pub(crate) fn send(
    channel: &Channel,
    smtp: Option<&Smtp>,
    subject: &str,
    text: &str,
    extra: &serde_json::Value,
    patience: Patience,
) -> Outcome {
    let mut pause = patience.pause;
    let mut last = None;
    for attempt in 1..=patience.attempts {
        let result = match channel {
            Channel::Email { to } => match smtp {
                Some(s) => mail(s, to, subject, text, patience.timeout),
                None => Err(Failure::Setting("notify.smtp 未配置，无法发邮件".to_string())),
            },
            _ => {
                let now_ms = chrono::Utc::now().timestamp_millis();
                request(channel, text, extra, now_ms).and_then(|(url, body)| post(&url, &body, patience.timeout))
            }
        };
        match result {
            Ok(()) => return Outcome { attempts: attempt, error: None },
            Err(Failure::Setting(e)) => return Outcome { attempts: attempt, error: Some(e) },
            Err(Failure::Delivery(e)) => last = Some(e),
        }
        if attempt < patience.attempts {
            std::thread::sleep(pause);
            pause *= 2;
        }
    }
    Outcome { attempts: patience.attempts, error: last }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_secret_of_the_address_is_ever_said() {
        let url =
            "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456&timestamp=1700000000000&sign=Zm9v%2BYmFy";
        let echoed =
            "HTTP 400：bad request for /robot/send?access_token=abcdef123456&timestamp=1700000000000&sign=Zm9v+YmFy";
        let said = redact(echoed, url);
        assert!(!said.contains("abcdef123456") && !said.contains("Zm9v"), "{said}");
        let hook = "http://127.0.0.1:9/services/T0001/B0002/SECRETTOKEN123";
        assert!(!redact(&format!("无法送达：{hook}: connection refused"), hook).contains("SECRETTOKEN123"));
    }

    #[test]
    fn dingtalk_and_feishu_signatures_are_the_documented_ones() {
        // DingTalk's documented example: HmacSHA256 of "timestamp\nsecret" keyed by the secret.
        let s = sign(b"SEC000", b"1700000000000\nSEC000").unwrap();
        assert_eq!(s.len(), 44, "32 bytes, base64");
        assert_eq!(urlencode("a+b/c="), "a%2Bb%2Fc%3D");
        std::env::set_var("QQ_TEST_URL", "http://127.0.0.1:1/robot/send?access_token=x");
        std::env::set_var("QQ_TEST_SECRET", "SEC000");
        let ch = Channel::DingTalk { url_env: "QQ_TEST_URL".into(), secret_env: Some("QQ_TEST_SECRET".into()) };
        let (url, body) = request(&ch, "你好", &serde_json::json!({}), 1_700_000_000_000).unwrap();
        assert!(url.starts_with("http://127.0.0.1:1/robot/send?access_token=x&timestamp=1700000000000&sign="), "{url}");
        assert!(url.ends_with(&urlencode(&s)));
        assert_eq!(body["text"]["content"], "你好");
        let missing = Channel::WeCom { url_env: "QQ_TEST_NOT_SET".into() };
        match request(&missing, "x", &serde_json::json!({}), 0) {
            Err(Failure::Setting(e)) => assert!(e.contains("QQ_TEST_NOT_SET"), "{e}"),
            _ => panic!("a missing variable is a setting, not tried again"),
        }
    }
}

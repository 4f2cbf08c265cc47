//! Where reminders go (`notify:` in qinqing.yaml): channels per department,
//! for the office, and a default. Secrets are never written here: settings
//! name the environment variables that hold them.

use serde::{Deserialize, Serialize};

use crate::model::field::{field, Field, Ty};

/// One way to reach a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Channel {
    /// 企业微信 group robot: the webhook URL (with its key) in an environment variable.
    WeCom { url_env: String },
    /// 钉钉 group robot, with its signing secret when the robot has one.
    DingTalk { url_env: String, secret_env: Option<String> },
    /// 飞书 group robot, with its signing secret when it has one.
    Feishu { url_env: String, secret_env: Option<String> },
    /// Any JSON webhook.
    Webhook { url_env: String },
    /// Email through the `smtp` server.
    Email { to: Vec<String> },
}

impl Channel {
    /// The channel's key in qinqing.yaml and in messages.
    pub(crate) fn key(&self) -> &'static str {
        match self {
            Channel::WeCom { .. } => "wecom",
            Channel::DingTalk { .. } => "dingtalk",
            Channel::Feishu { .. } => "feishu",
            Channel::Webhook { .. } => "webhook",
            Channel::Email { .. } => "email",
        }
    }
}

/// How mail is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Smtp {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `starttls`, `tls` or `none` (a relay on the same machine).
    pub(crate) security: String,
    pub(crate) from: String,
    pub(crate) user_env: Option<String>,
    pub(crate) password_env: Option<String>,
}

/// `notify:` as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NotifySettings {
    /// Channels of departments that have none of their own.
    pub(crate) default: Vec<Channel>,
    /// The office's own channels (its clocks, and the overall count).
    pub(crate) office: Vec<Channel>,
    /// Each department's channels, by name where it was written (made the full name by `check`).
    pub(crate) departments: Vec<(crate::model::Spanned<String>, Vec<Channel>)>,
    pub(crate) smtp: Option<Smtp>,
    /// How enterprises are told a reply came (`enterprises:`).
    #[serde(default)]
    pub(crate) enterprises: EnterpriseChannels,
}

/// How an enterprise is told its case has a reply: a message with its receipt code's address, never the
/// reply itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EnterpriseChannels {
    /// An SMS gateway's webhook (the environment variable holding its address): it is posted
    /// `{ "phone", "text", "case", "address" }` for each enterprise with a mobile number.
    pub(crate) sms: Option<String>,
    /// Mail through `smtp` to each enterprise that has an `email`.
    pub(crate) email: bool,
}

/// The keys of a set of channels (`default`, `office`, each department).
pub(crate) const CHANNEL_FIELDS: &[Field] = &[
    field("wecom", false, Ty::Map(URL_FIELDS), "企业微信群机器人：url_env 为存放 webhook 地址的环境变量名"),
    field(
        "dingtalk",
        false,
        Ty::Map(SIGNED_FIELDS),
        "钉钉群机器人：url_env 为 webhook 地址的环境变量名，secret_env 为加签密钥的环境变量名",
    ),
    field("feishu", false, Ty::Map(SIGNED_FIELDS), "飞书群机器人：url_env、secret_env（开启签名校验时）"),
    field("webhook", false, Ty::Map(URL_FIELDS), "通用 JSON webhook：url_env"),
    field("email", false, Ty::Map(EMAIL_FIELDS), "电子邮件：to 为收件地址（部门公共邮箱），经 smtp 发送"),
];

/// `url_env` only.
pub(crate) const URL_FIELDS: &[Field] =
    &[field("url_env", true, Ty::Text, "存放 webhook 地址的环境变量名（地址含密钥，不写进案件库）")];

/// `url_env` and `secret_env`.
pub(crate) const SIGNED_FIELDS: &[Field] = &[
    field("url_env", true, Ty::Text, "存放 webhook 地址的环境变量名"),
    field("secret_env", false, Ty::Text, "存放加签密钥的环境变量名"),
];

/// An email channel.
pub(crate) const EMAIL_FIELDS: &[Field] = &[field("to", true, Ty::TextOrList, "收件地址，一个或一列")];

/// The SMTP server.
pub(crate) const SMTP_FIELDS: &[Field] = &[
    field("host", true, Ty::Text, "SMTP 服务器"),
    field("port", false, Ty::Int, "端口，默认 starttls 为 587、tls 为 465、none 为 25"),
    field(
        "security",
        false,
        Ty::Enum(|| vec!["starttls", "tls", "none"]),
        "starttls（默认）、tls 或 none（仅限本机中继）",
    ),
    field("from", true, Ty::Text, "发件地址"),
    field("user_env", false, Ty::Text, "存放登录用户名的环境变量名"),
    field("password_env", false, Ty::Text, "存放登录密码的环境变量名"),
];

/// The keys of `notify.enterprises`.
pub(crate) const ENTERPRISE_CHANNEL_FIELDS: &[Field] = &[
    field(
        "sms",
        false,
        Ty::Map(URL_FIELDS),
        "短信网关的 webhook：url_env 为存放地址的环境变量名；向其 POST {phone, text, case, address}",
    ),
    field("email", false, Ty::Bool, "true 时给写了 email 的企业发邮件（经 smtp）"),
];

/// The keys of `notify:`.
pub(crate) const NOTIFY_FIELDS: &[Field] = &[
    field("default", false, Ty::Map(CHANNEL_FIELDS), "没有单独配置的部门用的渠道"),
    field("office", false, Ty::Map(CHANNEL_FIELDS), "本办自己的渠道：本办负责的时限和全部超期的汇总"),
    field("departments", false, Ty::Dict, "各部门的渠道：部门全称或简称 → 同 default 的写法"),
    field("smtp", false, Ty::Map(SMTP_FIELDS), "发邮件用的 SMTP 服务器"),
    field(
        "enterprises",
        false,
        Ty::Map(ENTERPRISE_CHANNEL_FIELDS),
        "企业：有了答复时告诉企业（短信、邮件），只发查看进度的网址，不发答复内容",
    ),
];

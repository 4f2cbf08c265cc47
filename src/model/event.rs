//! Timeline events: every kind declared once, here.
//!
//! A kind's declaration says everything the rest of the program needs to know
//! about it: its English and Chinese keys, the fields an entry of it accepts
//! (which also give its JSON Schema and its reading in `show` and on the site),
//! how it changes the case's status and lead department, what it does to
//! clocks beyond what rules say, and where it makes sense. [`EventType::spec`]
//! is an exhaustive match: a new kind does not compile until it is declared.

use crate::model::enums::Status;
use crate::model::field::{enum_values, field, named_values, Field, Ty};
use crate::model::rule::NoticeKind;
use crate::model::{named_enum, Event, Named, Rating, ReplyResult, Spanned, Via};

named_enum!(
    /// The kind of a timeline entry.
    EventType, "事件类型", {
    /// Answered on the spot.
    Answered = "answered" / "现场答复",
    /// Assigned, or assigned again.
    Assigned = "assigned" / "交办",
    /// Signed for by the department.
    Acknowledged = "acknowledged" / "签收",
    /// Sent back as not the department's business.
    Returned = "returned" / "退回",
    /// A deadline extension.
    Extended = "extended" / "延期",
    /// The department asks for more time; the office approves it with an extension.
    ExtensionRequested = "extension_requested" / "申请延期",
    /// The department's reply.
    Replied = "replied" / "答复",
    /// The enterprise's rating.
    Evaluated = "evaluated" / "评价",
    /// A supervision notice.
    Supervised = "supervised" / "督办",
    /// Named in a bulletin.
    Bulletined = "bulletined" / "通报",
    /// Closed.
    Closed = "closed" / "办结",
    /// Anything else.
    Note = "note" / "备注",
    /// The office asked the enterprise before the formal reply.
    PreVisited = "pre_visited" / "预回访",
    /// Escalated to a joint meeting of departments, and its decision.
    JointMeeting = "joint_meeting" / "联席会议",
    /// Moved to another lead department (转办).
    Transferred = "transferred" / "转办",
});

/// How an event changes the case's status (see [`crate::model::derive_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusEffect {
    /// Leaves the status as it is (notes, notices).
    Keeps,
    /// The case is in this status after it.
    Sets(Status),
    /// Answered on the spot, unless the outcome is unfinished (a solution
    /// agreed, to be assigned and carried out): then the status stays.
    Answers,
    /// Evaluated, or reopened when the rating is unsatisfied.
    Rates,
    /// Closes the case: nothing after it changes the status.
    Closes,
}

/// What an event does to clocks besides starting and stopping them, which the rules decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClockEffect {
    /// Nothing more.
    None,
    /// Its `due` is the due date of the clocks it starts (an assignment with its own time limit).
    DueOfClocksItStarts,
    /// Its `due` replaces the due date of the running clock of the rule it names (an extension).
    MovesDueOfItsRule,
    /// Ends every running clock of the department that held the case, as transferred;
    /// lateness it had stays counted against that department (a transfer).
    EndsDepartmentClocks,
}

/// A step of the handling that later events may need to have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// None.
    None,
    /// The case was assigned to a department.
    Assignment,
    /// The enterprise got an answer (a reply, or one on the spot).
    Answer,
    /// The case was closed.
    Closing,
}

/// Everything about one event kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventSpec {
    /// The keys an entry of this kind accepts, `date` and `event` included.
    pub(crate) fields: &'static [Field],
    /// How it changes the case's status.
    pub(crate) status: StatusEffect,
    /// The key whose department becomes the case's lead department (who holds
    /// the case) — read into the event's `lead` — or `None`.
    pub(crate) lead_key: Option<&'static str>,
    /// What it does to clocks.
    pub(crate) clock: ClockEffect,
    /// The step it is.
    pub(crate) step: Step,
    /// The step that must have happened before it, else it makes no sense where it stands.
    pub(crate) needs: Step,
    /// Whether it may follow a closing without a warning.
    pub(crate) after_closing: bool,
    /// For an event with a `due`: what the due date and the event's date are called,
    /// for the message when the due date is before the event.
    pub(crate) due_words: Option<(&'static str, &'static str)>,
    /// The notice it records as issued for the case's running department
    /// clocks (a 督办 or a 通报): a clock it covers calls for no further notice.
    pub(crate) records: Option<NoticeKind>,
    /// The command that records it, when people record it (notices are
    /// recorded by issuing them): its subcommand and form come from this and
    /// the fields.
    pub(crate) recording: Option<Recording>,
}

/// How people record an entry of a kind: the command line's subcommand (its
/// flags are the kind's fields) and a form's title.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recording {
    /// The subcommand, `assign`.
    pub(crate) command: &'static str,
    /// What it does, one line (`--help`, a form's title).
    pub(crate) about: &'static str,
    /// Examples for `--help`.
    pub(crate) examples: &'static [&'static str],
    /// Which cases one command records in.
    pub(crate) targets: Targets,
}

/// Which cases one recording command takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Targets {
    /// Exactly one.
    One,
    /// One or more: the same entry in each, all or none.
    Several,
    /// One or more, or every case of a meeting not yet assigned (`--meeting`).
    SeveralOrMeeting,
}

const DATE: Field = field("date", true, Ty::Date, "日期，写作 2026-06-03");
const EVENT: Field = field("event", true, Ty::Enum(enum_values::<EventType>), "事件类型");
const BY: Field = field("by", false, Ty::Department, "办理部门");
const RESULT: Field = field("result", false, Ty::Named(named_values::<ReplyResult>), "办理结果");
const PROMISE: Field =
    field("promise", false, Ty::Date, "承诺办结日期：办理结果为正在解决、达成方案、列入计划时必填，到期未办结即超期");

/// The plain defaults a declaration starts from.
const PLAIN: EventSpec = EventSpec {
    fields: &[DATE, EVENT],
    status: StatusEffect::Keeps,
    lead_key: None,
    clock: ClockEffect::None,
    step: Step::None,
    needs: Step::None,
    after_closing: false,
    due_words: None,
    records: None,
    recording: None,
};

impl EventSpec {
    /// Whether an event of this kind makes a department the case's lead.
    pub(crate) const fn sets_lead(&self) -> bool {
        self.lead_key.is_some()
    }
}

impl EventType {
    /// The kind a recording command (`ack`, `request-extension`) records, if any.
    pub(crate) fn by_command(command: &str) -> Option<EventType> {
        EventType::ALL.iter().map(|(k, _, _)| *k).find(|k| k.spec().recording.is_some_and(|r| r.command == command))
    }

    /// The declaration of this kind.
    pub(crate) const fn spec(self) -> &'static EventSpec {
        match self {
            EventType::Answered => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("by", false, Ty::Text, "现场答复人或部门"),
                        RESULT,
                        PROMISE,
                        field("text", false, Ty::Text, "答复内容").long(),
                    ],
                    status: StatusEffect::Answers,
                    step: Step::Answer,
                    recording: Some(Recording {
                        command: "answer",
                        about: "会上答复：已解决、政策解释的即刻解；达成方案的写明承诺办结日期，会后交办",
                        examples: &[
                            "qinqing answer HZ-2026-0161 --by 市长 --result 已解决 --text 会上当场协调解决",
                            "qinqing answer HZ-2026-0162 --by 市交通运输局 --result 达成方案 --promise 2026-12-31 --text 年底前增设公交站点",
                        ],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Assigned => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("lead", true, Ty::Department, "主办部门").asked(),
                        field("co", false, Ty::Departments, "协办部门"),
                        field("note", false, Ty::Text, "交办意见"),
                        field("due", false, Ty::Date, "本次交办的办理时限（覆盖规则计算的日期）"),
                    ],
                    status: StatusEffect::Sets(Status::Assigned),
                    lead_key: Some("lead"),
                    clock: ClockEffect::DueOfClocksItStarts,
                    step: Step::Assignment,
                    due_words: Some(("办理时限", "交办日期")),
                    recording: Some(Recording {
                        command: "assign",
                        about: "交办（或重新交办）：主办、协办、交办意见、时限；可一次交办多件，或一期恳谈会全部尚未交办的",
                        examples: &[
                            "qinqing assign HZ-2026-0131 --lead 国网湖州供电公司 --co 市发展和改革委员会,市自然资源和规划局 --note 请两周内答复企业",
                            "qinqing assign --meeting HZ-M-2026-23 --lead 市交通运输局 --date 2026-06-04",
                        ],
                        targets: Targets::SeveralOrMeeting,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Acknowledged => {
                const S: EventSpec = EventSpec {
                    fields: &[DATE, EVENT, BY.the_lead()],
                    status: StatusEffect::Sets(Status::Assigned),
                    needs: Step::Assignment,
                    recording: Some(Recording {
                        command: "ack",
                        about: "部门签收",
                        examples: &[
                            "qinqing ack HZ-2026-0131 --by 供电公司",
                            "qinqing ack HZ-2026-0101 HZ-2026-0102 --by 交通局",
                        ],
                        targets: Targets::Several,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Returned => {
                const S: EventSpec = EventSpec {
                    fields: &[DATE, EVENT, BY.needed(), field("reason", false, Ty::Text, "退回理由").needed()],
                    status: StatusEffect::Sets(Status::Returned),
                    needs: Step::Assignment,
                    recording: Some(Recording {
                        command: "return",
                        about: "部门退回（不属本单位职责）",
                        examples: &["qinqing return HZ-2026-0131 --by 市交通运输局 --reason 属住建部门职责"],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Extended => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("rule", true, Ty::Rule, "延期的时限规则编号，如 reply"),
                        field("due", true, Ty::Date, "延期后的期限"),
                        field("approved_by", false, Ty::Text, "批准人"),
                        field("reason", false, Ty::Text, "延期理由"),
                    ],
                    status: StatusEffect::Sets(Status::Assigned),
                    clock: ClockEffect::MovesDueOfItsRule,
                    due_words: Some(("延期后的期限", "延期日期")),
                    recording: Some(Recording {
                        command: "extend",
                        about: "延期：把某条规则正在计时的期限改为新日期",
                        examples: &["qinqing extend HZ-2026-0133 --rule reply --due 2026-12-15 --approved-by 张主任 --reason 需跨年度资金"],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::ExtensionRequested => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        BY.the_lead(),
                        field("due", true, Ty::Date, "申请延长到的日期"),
                        field("reason", false, Ty::Text, "申请延期的理由").needed(),
                        field("rule", false, Ty::Rule, "要延期的时限规则编号（不写由营商办批准时定）"),
                    ],
                    needs: Step::Assignment,
                    due_words: Some(("申请延长到的日期", "申请日期")),
                    recording: Some(Recording {
                        command: "request-extension",
                        about: "部门申请延期：写明延长到哪天和理由，营商办用 qinqing extend 批准",
                        examples: &[
                            "qinqing request-extension HZ-2026-0133 --due 2026-12-31 --reason 需跨年度资金安排",
                        ],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Replied => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        BY.the_lead(),
                        RESULT,
                        PROMISE,
                        field("text", false, Ty::Text, "答复内容").long(),
                    ],
                    status: StatusEffect::Sets(Status::Replied),
                    step: Step::Answer,
                    needs: Step::Assignment,
                    recording: Some(Recording {
                        command: "reply",
                        about: "部门答复：办理结果与答复内容",
                        examples: &[
                            "qinqing reply HZ-2026-0131 --by 国网湖州供电公司 --result 已解决 --text 线路已于12月1日接入",
                            "qinqing reply HZ-2026-0131 --by 供电公司 --result planned --promise 2027-06-30 --text-file 答复.txt",
                        ],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Evaluated => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("rating", true, Ty::Named(named_values::<Rating>), "企业评价"),
                        field("comment", false, Ty::Text, "企业意见"),
                        field(
                            "via",
                            false,
                            Ty::Named(named_values::<Via>),
                            "评价渠道：网页（企业凭回执码）、电话、走访、会上、书面",
                        ),
                    ],
                    status: StatusEffect::Rates,
                    needs: Step::Answer,
                    recording: Some(Recording {
                        command: "evaluate",
                        about: "企业评价：满意、基本满意、不满意",
                        examples: &[
                            "qinqing evaluate HZ-2026-0131 --rating 满意",
                            "qinqing evaluate HZ-2026-0101 HZ-2026-0102 HZ-2026-0103 --rating 满意",
                            "qinqing evaluate HZ-2026-0132 --rating 不满意 --comment 用地指标仍未落实",
                        ],
                        targets: Targets::Several,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Supervised => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("doc", false, Ty::Text, "督办通知文号"),
                        field("to", false, Ty::Departments, "督办对象"),
                        field("due", false, Ty::Date, "督办通知限定的办结期限（请于…前办结）"),
                    ],
                    clock: ClockEffect::DueOfClocksItStarts,
                    records: Some(NoticeKind::Supervision),
                    due_words: Some(("办结期限", "督办日期")),
                    ..PLAIN
                };
                &S
            }
            EventType::Bulletined => {
                const S: EventSpec = EventSpec {
                    fields: &[DATE, EVENT, field("doc", false, Ty::Text, "通报文号")],
                    records: Some(NoticeKind::Bulletin),
                    ..PLAIN
                };
                &S
            }
            EventType::Closed => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("note", false, Ty::Text, "办结说明"),
                        field("reason", false, Ty::Text, "不满意仍办结的理由，如 经联席会议研究"),
                    ],
                    status: StatusEffect::Closes,
                    step: Step::Closing,
                    recording: Some(Recording {
                        command: "close",
                        about: "办结；企业不满意仍办结时须写理由",
                        examples: &[
                            "qinqing close HZ-2026-0131 --note 企业确认已通电",
                            "qinqing close HZ-2026-0101 HZ-2026-0102 HZ-2026-0103",
                            "qinqing close HZ-2026-0132 --reason 经联席会议研究，企业诉求不符合政策",
                        ],
                        targets: Targets::Several,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Note => {
                const S: EventSpec = EventSpec {
                    fields: &[DATE, EVENT, field("text", false, Ty::Text, "备注内容").needed()],
                    after_closing: true,
                    recording: Some(Recording {
                        command: "note",
                        about: "记一笔备注",
                        examples: &["qinqing note HZ-2026-0131 --text 电话催办，供电公司称通道仍在协调"],
                        targets: Targets::Several,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::Transferred => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("from", false, Ty::Department, "原主办部门"),
                        field("to", true, Ty::Department, "新的主办部门"),
                        field("co", false, Ty::Departments, "协办部门"),
                        field("reason", false, Ty::Text, "转办理由"),
                    ],
                    status: StatusEffect::Sets(Status::Assigned),
                    lead_key: Some("to"),
                    clock: ClockEffect::EndsDepartmentClocks,
                    step: Step::Assignment,
                    needs: Step::Assignment,
                    recording: Some(Recording {
                        command: "transfer",
                        about: "转办：转给新的主办部门，原部门的时限结束（已逾期的照计）",
                        examples: &["qinqing transfer HZ-2026-0131 --to 市住房和城乡建设局 --reason 属住建部门职责"],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::PreVisited => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("by", false, Ty::Text, "预回访的人或部门"),
                        field("question", false, Ty::Text, "问企业的问题：企业可凭回执码在网页上回答").long(),
                        field("text", false, Ty::Text, "企业的意见"),
                    ],
                    needs: Step::Assignment,
                    recording: Some(Recording {
                        command: "pre-visit",
                        about: "预回访：正式答复前先问企业的意见",
                        examples: &[
                            "qinqing pre-visit HZ-2026-0131 --by 营商办 --text 企业认可接电时间表",
                            "qinqing pre-visit HZ-2026-0131 --by 营商办 --question 拟于12月10日前完成接电，贵公司是否认可？",
                        ],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
            EventType::JointMeeting => {
                const S: EventSpec = EventSpec {
                    fields: &[
                        DATE,
                        EVENT,
                        field("decision", true, Ty::Text, "联席会议的决定"),
                        field("participants", false, Ty::TextOrList, "参会单位"),
                    ],
                    recording: Some(Recording {
                        command: "joint",
                        about: "联席会议：提交联席会议研究及其决定",
                        examples: &["qinqing joint HZ-2026-0132 --decision 纳入明年用地计划 --participants 市自然资源和规划局,市发展和改革委员会"],
                        targets: Targets::One,
                    }),
                    ..PLAIN
                };
                &S
            }
        }
    }
}

/// One piece of what an event records, as people read it: in `show`, on the
/// site, anywhere a timeline is printed. Worded once, in [`Event::reading`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Departments and what they are to the event: 主办, 协办, 致.
    Departments(&'static str, Vec<&'a str>),
    /// Something already worded (who acted, the rule, a result, a number…).
    Words(String),
    /// The event's own free text (a note, a reply); may hold personal data.
    FreeText(&'a str),
}

impl Event {
    /// The names an entry holds under a key, to be made full department names
    /// where its kind declares the key a department (`Ty::Department(s)`).
    pub(crate) fn names_mut(&mut self, key: &str) -> Vec<&mut Spanned<String>> {
        if self.kind.spec().lead_key == Some(key) {
            return self.lead.iter_mut().collect();
        }
        match key {
            "co" => self.co.iter_mut().collect(),
            "by" => self.by.iter_mut().collect(),
            "to" => self.details.iter_mut().flat_map(|d| d.to.iter_mut()).collect(),
            "from" => self.details.iter_mut().flat_map(|d| d.from.iter_mut()).collect(),
            _ => Vec::new(),
        }
    }

    /// The entry as one line of plain text, as `show` reads it (departments listed, free text trimmed).
    pub(crate) fn reading_text(&self) -> String {
        self.reading()
            .into_iter()
            .map(|p| match p {
                Piece::Departments(label, names) => format!("{label} {}", names.join("、")),
                Piece::Words(w) => w,
                Piece::FreeText(t) => t.trim().to_string(),
            })
            .collect::<Vec<_>>()
            .join("；")
    }

    /// What the event records, piece by piece, in reading order.
    pub(crate) fn reading(&self) -> Vec<Piece<'_>> {
        fn names(list: &[crate::model::Spanned<String>]) -> Vec<&str> {
            list.iter().map(|n| n.value.as_str()).collect()
        }
        let mut out = Vec::new();
        if let Some(f) = self.from() {
            out.push(Piece::Departments("原主办", vec![f]));
        }
        if let Some(l) = &self.lead {
            out.push(Piece::Departments("主办", vec![l.value.as_str()]));
        }
        if !self.co.is_empty() {
            out.push(Piece::Departments("协办", names(&self.co)));
        }
        if let Some(b) = &self.by {
            out.push(Piece::Words(b.value.clone()));
        }
        if !self.to().is_empty() {
            out.push(Piece::Departments("致", names(self.to())));
        }
        if let Some(r) = self.rule() {
            out.push(Piece::Words(format!("规则 {}", r.value)));
        }
        if let Some(a) = self.approved_by() {
            out.push(Piece::Words(format!("{a}批准")));
        }
        if let Some(d) = self.due() {
            out.push(Piece::Words(format!("期限 {}", d.value)));
        }
        if let Some(r) = self.result {
            out.push(Piece::Words(r.zh().to_string()));
        }
        if let Some(p) = self.promise() {
            out.push(Piece::Words(format!("承诺 {} 前办结", p.value)));
        }
        if let Some(r) = self.rating {
            out.push(Piece::Words(r.zh().to_string()));
        }
        if let Some(v) = self.via() {
            out.push(Piece::Words(format!("渠道 {}", v.zh())));
        }
        if let Some(d) = self.doc() {
            out.push(Piece::Words(d.to_string()));
        }
        if !self.participants().is_empty() {
            out.push(Piece::Words(format!("参会 {}", self.participants().join("、"))));
        }
        if let Some(q) = self.question() {
            out.push(Piece::Words(format!("问：{q}")));
        }
        if let Some(d) = self.decision() {
            out.push(Piece::FreeText(d));
        }
        if let Some(t) = &self.text {
            out.push(Piece::FreeText(t));
        }
        // `text` holds the first of text, note, reason and comment; a reason beside a note is its own piece.
        if let Some(r) = self.reason().filter(|r| self.text.as_deref() != Some(*r)) {
            out.push(Piece::FreeText(r));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_declared_completely() {
        for (kind, en, zh) in EventType::ALL {
            let spec = kind.spec();
            assert_eq!((EventType::parse(en), EventType::parse(zh)), (Some(*kind), Some(*kind)));
            let names: Vec<&str> = spec.fields.iter().map(|f| f.name).collect();
            assert_eq!(&names[..2], ["date", "event"], "{en}: every entry has a date and a kind");
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{en}: a key is declared twice");
            assert!(spec.lead_key.is_none_or(|k| names.contains(&k)), "{en}: its lead key is one of its fields");
            assert_eq!(spec.sets_lead(), spec.lead_key.is_some());
            let needs_due = match spec.clock {
                ClockEffect::DueOfClocksItStarts | ClockEffect::MovesDueOfItsRule => true,
                ClockEffect::None | ClockEffect::EndsDepartmentClocks => spec.due_words.is_some(),
            };
            assert_eq!(needs_due, names.contains(&"due"), "{en}: a due date effect goes with a due field");
        }
    }

    #[test]
    fn an_event_reads_in_order_with_its_departments_apart() {
        let mut e = Event::new(crate::diag::Pos::start(), "2026-06-04".parse().unwrap(), EventType::Assigned);
        e.lead = Some(crate::model::Spanned::new("甲局".into(), crate::diag::Pos::start()));
        e.text = Some("请两周内答复".into());
        assert_eq!(e.reading(), vec![Piece::Departments("主办", vec!["甲局"]), Piece::FreeText("请两周内答复")]);
    }
}

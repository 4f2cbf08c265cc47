//! The enumerations of the case format, each with its Chinese alias.

/// An enumeration whose values are written in English or in Chinese.
pub(crate) trait Named: Sized + Copy + 'static {
    /// Every value with its English key and Chinese name.
    const ALL: &'static [(Self, &'static str, &'static str)];
    /// The field's Chinese name, for messages.
    const WHAT: &'static str;

    /// Reads an English key or a Chinese alias.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, en, zh)| *en == text || *zh == text).map(|(v, _, _)| *v)
    }
    /// The English key.
    fn key(self) -> &'static str;
    /// The Chinese name.
    fn zh(self) -> &'static str;
}

/// Declares an enumeration with its English keys and Chinese names (and `Named`).
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident = $en:literal / $zh:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub(crate) enum $name { $($(#[$vdoc])* $variant),+ }

        impl crate::model::Named for $name {
            const ALL: &'static [(Self, &'static str, &'static str)] = &[$(($name::$variant, $en, $zh)),+];
            const WHAT: &'static str = $what;
            fn key(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            fn zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// How the problem reached the office.
    Channel, "来源渠道", {
    /// A dialogue meeting.
    Meeting = "meeting" / "恳谈会",
    /// Online.
    Online = "online" / "线上",
    /// In writing.
    Written = "written" / "书面",
    /// The hotline.
    Hotline = "hotline" / "热线",
    /// A visit to the enterprise.
    Visit = "visit" / "走访",
});

impl Channel {
    /// Whether a meeting's case may have come this way: raised at the meeting,
    /// or sent in online or in writing for it (见面 + 书面).
    pub(crate) fn may_be_of_a_meeting(self) -> bool {
        matches!(self, Channel::Meeting | Channel::Online | Channel::Written)
    }
}

named_enum!(
    /// How the problem is to be solved.
    Handling, "办理方式", {
    /// Answered on the spot.
    Immediate = "immediate" / "即刻解",
    /// Departments work together.
    Coordinated = "coordinated" / "协同解",
    /// Followed until the loop is closed (闭环解).
    ClosedLoop = "closed_loop" / "闭环解",
    /// A joint meeting of departments.
    Joint = "joint" / "联席会议",
});

named_enum!(
    /// What a reply says about the problem.
    ReplyResult, "办理结果", {
    /// Solved.
    Resolved = "resolved" / "已解决",
    /// A solution agreed (at a meeting), to be carried out by a promised date.
    Agreed = "agreed" / "达成方案",
    /// Being solved.
    InProgress = "in_progress" / "正在解决",
    /// Put in a plan.
    Planned = "planned" / "列入计划",
    /// Explained by policy.
    Explained = "explained" / "政策解释",
    /// Cannot be solved.
    Unresolvable = "unresolvable" / "无法解决",
});

impl ReplyResult {
    /// Whether the matter is settled by this outcome: solved, explained, or
    /// found impossible. An unfinished one (being solved, agreed, planned)
    /// promises a completion date, which becomes a deadline.
    pub(crate) fn finished(self) -> bool {
        match self {
            ReplyResult::Resolved | ReplyResult::Explained | ReplyResult::Unresolvable => true,
            ReplyResult::Agreed | ReplyResult::InProgress | ReplyResult::Planned => false,
        }
    }
}

named_enum!(
    /// The enterprise's rating.
    Rating, "满意度", {
    /// Satisfied.
    Satisfied = "satisfied" / "满意",
    /// Basically satisfied.
    BasicallySatisfied = "basically_satisfied" / "基本满意",
    /// Unsatisfied.
    Unsatisfied = "unsatisfied" / "不满意",
});

named_enum!(
    /// How an evaluation reached the office.
    Via, "评价渠道", {
    /// On the enterprise's page, with its receipt code.
    Web = "web" / "网页",
    /// By telephone (回访电话).
    Phone = "phone" / "电话",
    /// On a visit.
    Visit = "visit" / "走访",
    /// At a meeting.
    Meeting = "meeting" / "会上",
    /// In writing.
    Written = "written" / "书面",
});

named_enum!(
    /// A case's status, derived from its timeline.
    Status, "状态", {
    /// Closed.
    Closed = "closed" / "办结",
    /// Unsatisfied and being handled again.
    Reopened = "reopened" / "重办中",
    /// Rated.
    Evaluated = "evaluated" / "已评价",
    /// Replied, waiting for a rating.
    Replied = "replied" / "待评价",
    /// Assigned, being handled.
    Assigned = "assigned" / "办理中",
    /// Sent back, waiting to be assigned again.
    Returned = "returned" / "待重新交办",
    /// Answered on the spot.
    Answered = "answered" / "现场答复",
    /// Received, not yet assigned.
    Received = "received" / "待交办",
});

named_enum!(
    /// A rate of the figures, with the one word it is printed under everywhere.
    RateKind, "比率", {
    /// Of the cases assigned in the period, those closed.
    Closure = "closure_rate" / "交办件办结率",
    /// Of the cases collected, those solved.
    Resolution = "resolution_rate" / "解决率",
    /// Department clocks met on time.
    OnTimeReply = "on_time_reply_rate" / "按时答复率",
    /// Ratings satisfied or basically satisfied.
    Satisfaction = "satisfaction_rate" / "满意率",
});

impl RateKind {
    /// Shorter names offices use for a rate in their settings (办结率 as the city publishes it).
    pub(crate) const SHORT: [(RateKind, &'static str); 1] = [(RateKind::Closure, "办结率")];

    /// Reads a rate's English key, its word, or a short name.
    pub(crate) fn parse_any(text: &str) -> Option<RateKind> {
        RateKind::parse(text).or_else(|| RateKind::SHORT.iter().find(|(_, s)| *s == text).map(|(k, _)| *k))
    }
}

/// The list of accepted spellings, for hints.
pub(crate) fn spellings<T: Named>() -> String {
    T::ALL.iter().map(|(_, en, zh)| format!("{en}（{zh}）")).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_chinese_spellings_agree() {
        assert_eq!(Channel::parse("热线"), Some(Channel::Hotline));
        assert_eq!(Channel::parse("hotline"), Some(Channel::Hotline));
        assert_eq!(Rating::parse("基本满意"), Some(Rating::BasicallySatisfied));
        assert_eq!(crate::model::EventType::parse("办结"), Some(crate::model::EventType::Closed));
        assert_eq!(crate::model::EventType::parse("closing"), None);
        for (v, en, zh) in crate::model::EventType::ALL {
            assert_eq!((v.key(), v.zh()), (*en, *zh));
        }
    }
}

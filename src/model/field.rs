//! Field tables: the keys each kind of mapping in a repository file accepts.
//!
//! One table per mapping drives the reader's unknown-key and missing-key checks
//! (`load::reader`), the JSON Schema (`output::schema`), the format reference
//! test that keeps `docs/` true, and — for the fields of an event kind — the
//! command that records it and its form (`cli::record`, a server's forms).
//! Nothing about a field is written anywhere else.

use crate::model::Named;

/// The shape of a field's value, and what it names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// Any scalar, read as text (numbers and booleans as written).
    Text,
    /// A department of `departments.yaml`, by its name, short name or an alias.
    Department,
    /// One department or a list of them.
    Departments,
    /// The id of a deadline rule.
    Rule,
    /// A `YYYY-MM-DD` date.
    Date,
    /// A whole number.
    Int,
    /// `true` or `false`.
    Bool,
    /// One of a list of spellings.
    Enum(fn() -> Vec<&'static str>),
    /// One value of an enumeration, in English or Chinese (`result`, `rating`).
    Named(fn() -> Vec<(&'static str, &'static str)>),
    /// One text or a list of texts.
    TextOrList,
    /// A nested mapping.
    Map(&'static [Field]),
    /// A list of mappings.
    List(&'static [Field]),
    /// A mapping with free keys and text values (e.g. `levels`).
    Dict,
    /// A mapping with free keys whose values are such mappings (`import: values:`).
    Dicts,
    /// One value for every rate, or a mapping from rates (交办件办结率, 满意率…) to
    /// values of the inner shape (`report: decimals: {办结率: 2, 满意率: 1}`).
    PerRate(&'static Ty),
    /// A case's timeline: a list of events, each of one event kind's table.
    Timeline,
    /// A rule's `start` or `stop`: a trigger, or a list of them.
    Triggers,
    /// Anything (kept, not read).
    Any,
}

impl Ty {
    /// Whether a value may be several (a list, or a comma-separated line).
    pub(crate) fn is_list(self) -> bool {
        matches!(self, Ty::Departments | Ty::TextOrList)
    }

    /// Whether its values are department names (made full names when read).
    pub(crate) fn names_departments(self) -> bool {
        matches!(self, Ty::Department | Ty::Departments)
    }
}

/// Whether a command recording an entry must be given a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// It may be left out.
    Optional,
    /// It must be given.
    Required,
    /// It must be given; at a terminal it is asked for, with completion.
    Asked,
    /// It names the department acting; when not given it is the case's lead at the entry's date.
    Lead,
}

/// One allowed key of a mapping.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The key.
    pub(crate) name: &'static str,
    /// Whether it must be present.
    pub(crate) required: bool,
    /// The value's shape.
    pub(crate) ty: Ty,
    /// What it means, in Chinese (shown by editors, `--help` and forms).
    pub(crate) doc: &'static str,
    /// Whether a command recording an entry must be given it (an event's fields).
    pub(crate) when_recorded: Need,
    /// A long text, which a command may also read from a file (`--text-file`).
    pub(crate) long: bool,
}

/// Shorthand for a field table entry.
pub(crate) const fn field(name: &'static str, required: bool, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        required,
        ty,
        doc,
        when_recorded: if required { Need::Required } else { Need::Optional },
        long: false,
    }
}

impl Field {
    /// The same field, which a recording command must be given although a file may leave it out.
    pub(crate) const fn needed(self) -> Field {
        Field { when_recorded: Need::Required, ..self }
    }

    /// The same field, asked for at a terminal when a recording command is not given it.
    pub(crate) const fn asked(self) -> Field {
        Field { when_recorded: Need::Asked, ..self }
    }

    /// The same field, which defaults to the case's lead when a recording command is not given it.
    pub(crate) const fn the_lead(self) -> Field {
        Field { when_recorded: Need::Lead, ..self }
    }

    /// The same field, a long text a command may read from a file.
    pub(crate) const fn long(self) -> Field {
        Field { long: true, ..self }
    }
}

/// The spellings of an enumeration, for `Ty::Enum`.
pub(crate) fn enum_values<T: Named>() -> Vec<&'static str> {
    T::ALL.iter().flat_map(|(_, en, zh)| [*en, *zh]).collect()
}

/// The values of an enumeration as (English, Chinese), for `Ty::Named`.
pub(crate) fn named_values<T: Named>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|(_, en, zh)| (*en, *zh)).collect()
}

/// A value of a `Ty::Named` field in either language, as (English, Chinese).
pub(crate) fn parse_named(
    values: fn() -> Vec<(&'static str, &'static str)>,
    s: &str,
) -> Option<(&'static str, &'static str)> {
    let s = s.trim();
    values().into_iter().find(|(en, zh)| *en == s || *zh == s)
}

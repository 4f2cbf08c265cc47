//! Field tables: the keys each kind of mapping in a repository file accepts.
//!
//! One table per mapping drives the reader's unknown-key and missing-key checks
//! (`load::reader`), the JSON Schema (`output::schema`) and the format reference
//! test that keeps `docs/` true. Nothing about a field is written anywhere else.

use crate::model::Named;

/// The shape of a field's value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// Any scalar, read as text (numbers and booleans as written).
    Text,
    /// A `YYYY-MM-DD` date.
    Date,
    /// A whole number.
    Int,
    /// `true` or `false`.
    Bool,
    /// One of an enumeration's spellings.
    Enum(fn() -> Vec<&'static str>),
    /// One text or a list of texts.
    TextOrList,
    /// A nested mapping.
    Map(&'static [Field]),
    /// A list of mappings.
    List(&'static [Field]),
    /// A mapping with free keys and text values (e.g. `levels`).
    Dict,
    /// A case's timeline: a list of events, each of one event kind's table.
    Timeline,
    /// A rule's `start` or `stop`: a trigger, or a list of them.
    Triggers,
    /// Anything (kept, not read).
    Any,
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
    /// What it means, in Chinese (shown by editors).
    pub(crate) doc: &'static str,
}

/// Shorthand for a field table entry.
pub(crate) const fn field(name: &'static str, required: bool, ty: Ty, doc: &'static str) -> Field {
    Field { name, required, ty, doc }
}

/// The spellings of an enumeration, for `Ty::Enum`.
pub(crate) fn enum_values<T: Named>() -> Vec<&'static str> {
    T::ALL.iter().flat_map(|(_, en, zh)| [*en, *zh]).collect()
}

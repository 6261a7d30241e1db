//! Every unknown key of a file at once.
//!
//! serde's `deny_unknown_fields` stops at the first unknown key and then checks
//! nothing else. An author who typed `tittle` and pasted a `javascript:` URL
//! should hear about both, so keys are checked on the parsed TOML first, the
//! unknown ones reported and removed, and only then is the rest deserialized
//! and validated.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The keys each table of an issue accepts: the field names of the serde structs
/// that read it (see [`fields_of`]), so the two cannot drift.
#[derive(Clone, Copy)]
pub struct IssueKeys {
    pub issue: &'static [&'static str],
    pub sponsor: &'static [&'static str],
    pub link: &'static [&'static str],
    pub outage: &'static [&'static str],
}

/// The field names `T`'s derived `Deserialize` reads, in declaration order.
///
/// serde's derive passes them to `Deserializer::deserialize_struct`; a deserializer
/// that does nothing else hands them back (as its error) without reading any input.
pub fn fields_of<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(FieldNames) {
        Err(Fields(fields)) => fields,
        Ok(_) => &[],
    }
}

/// See [`fields_of`].
struct FieldNames;

#[derive(Debug)]
struct Fields(&'static [&'static str]);

impl std::fmt::Display for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fields {:?}", self.0)
    }
}

impl std::error::Error for Fields {}

impl serde::de::Error for Fields {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Fields(&[])
    }
}

impl<'de> serde::Deserializer<'de> for FieldNames {
    type Error = Fields;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
        Err(Fields(&[]))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// An unknown key: where it is, what it is, and the keys that table accepts.
pub struct Unknown {
    /// Byte offset of the key in the parsed text.
    pub offset: usize,
    /// The key as written.
    pub key: String,
    /// The keys allowed where it is.
    pub known: &'static [&'static str],
}

/// Removes and returns the unknown keys of an issue's front matter (top level and entries).
pub fn strip_issue(table: &mut DeTable<'_>, keys: IssueKeys) -> Vec<Unknown> {
    let mut unknown = strip(table, keys.issue);
    let entries = [
        ("sponsors", keys.sponsor),
        ("links", keys.link),
        ("outages", keys.outage),
    ];
    for (key, known) in entries {
        let Some(value) = table.get_mut(key) else {
            continue;
        };
        if let DeValue::Array(entries) = value.get_mut() {
            for entry in entries.iter_mut() {
                if let DeValue::Table(t) = entry.get_mut() {
                    unknown.extend(strip(t, known));
                }
            }
        }
    }
    unknown.sort_by_key(|u| u.offset);
    unknown
}

fn strip(table: &mut DeTable<'_>, known: &'static [&'static str]) -> Vec<Unknown> {
    let is_known =
        |key: &Spanned<std::borrow::Cow<'_, str>>| known.contains(&key.get_ref().as_ref());
    let unknown: Vec<Unknown> = table
        .iter()
        .filter(|(key, _)| !is_known(key))
        .map(|(key, _)| Unknown {
            offset: key.span().start,
            key: key.get_ref().to_string(),
            known,
        })
        .collect();
    if unknown.is_empty() {
        return unknown;
    }
    // A typo of a key the table lacks is read as that key, so the rest of the entry is
    // still checked (and a misspelt `service` is not also reported as missing).
    let present: Vec<String> = table.iter().map(|(k, _)| k.get_ref().to_string()).collect();
    let mut fixed = DeTable::new();
    for (key, value) in std::mem::take(table) {
        if is_known(&key) {
            fixed.insert(key, value);
        } else if let Some(meant) = crate::error::closest(key.get_ref(), known)
            && !present.iter().any(|p| p == meant)
            && !fixed.contains_key(meant)
        {
            fixed.insert(Spanned::new(key.span(), meant.into()), value);
        }
    }
    *table = fixed;
    unknown
}

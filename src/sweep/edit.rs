//! Editing a scenario's TOML tree by field path: how a sweep point is
//! applied to the file's text before it is deserialised.

use crate::scenario::sweep::PathSegment;
use crate::validate::{index, join};
use toml::Value;

/// Sets `segs` in a TOML tree to `new`, creating missing tables on the way.
/// An integral float replacing an integer stays an integer, so integer
/// fields can be swept with `linear`.
pub fn set_path(root: &mut Value, segs: &[PathSegment], new: Value) -> Result<(), String> {
    let Some((last, parents)) = segs.split_last() else {
        return Err("empty path".into());
    };
    let mut cur = root;
    let mut walked = String::new();
    for (i, seg) in parents.iter().enumerate() {
        let next_is_index = matches!(segs[i + 1], PathSegment::Index(_));
        let here = walked.clone();
        match seg {
            PathSegment::Key(k) => walked = join(&walked, k),
            PathSegment::Index(n) => walked = index(&walked, *n),
        }
        cur = match (seg, cur) {
            (PathSegment::Key(k), Value::Table(t)) => {
                if !t.contains_key(k) {
                    if next_is_index {
                        return Err(format!(
                            "`{walked}` is not written in the scenario file (write the list out to sweep one of its elements)"
                        ));
                    }
                    t.insert(k.clone(), Value::Table(toml::Table::new()));
                }
                t.get_mut(k)
                    .ok_or_else(|| format!("`{walked}` is missing"))?
            }
            (PathSegment::Index(n), Value::Array(a)) => {
                let len = a.len();
                a.get_mut(*n).ok_or_else(|| {
                    format!("`{here}` has {len} element(s), index {n} is out of range")
                })?
            }
            (PathSegment::Key(_), _) => return Err(format!("`{here}` is not a table")),
            (PathSegment::Index(_), _) => return Err(format!("`{here}` is not a list")),
        };
    }
    let keep_integer = |old: Option<&Value>, new: Value| match (old, new) {
        (Some(Value::Integer(_)), Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9e15 => {
            Value::Integer(f as i64)
        }
        (_, v) => v,
    };
    match (last, cur) {
        (PathSegment::Key(k), Value::Table(t)) => {
            let v = keep_integer(t.get(k), new);
            t.insert(k.clone(), v);
            Ok(())
        }
        (PathSegment::Index(n), Value::Array(a)) => {
            let len = a.len();
            let slot = a.get_mut(*n).ok_or_else(|| {
                format!("`{walked}` has {len} element(s), index {n} is out of range")
            })?;
            *slot = keep_integer(Some(slot), new);
            Ok(())
        }
        (PathSegment::Key(_), _) => Err(format!("`{walked}` is not a table")),
        (PathSegment::Index(_), _) => Err(format!("`{walked}` is not a list")),
    }
}

pub fn leaf_key(segs: &[PathSegment]) -> Option<&str> {
    segs.iter().rev().find_map(|s| match s {
        PathSegment::Key(k) => Some(k.as_str()),
        PathSegment::Index(_) => None,
    })
}

//! The one way a value becomes a cell of an output table, so no `inf` or
//! `NaN` is ever written; each gives an empty cell for an undefined or
//! non-finite value:
//! - rows serialised by the `csv` crate (`steps.csv`, `retargets.csv`) go
//!   through [`Finite`], which serialises a NaN or infinity as `None`;
//! - rows taken apart as JSON maps (`runs.csv`, `points.csv`) go through
//!   [`value_cell`] (serde_json turns a non-finite float into `null`);
//! - floats the writer formats itself (`bands.csv`, `fleet.csv`) go through
//!   [`float_cell`].
//!
//! Each keeps the number text its table has always had (`csv` and
//! serde_json write shortest round-trip floats in slightly different
//! notations, `1e20` and `1e+20`). JSON files are written by serde_json,
//! which writes non-finite floats as `null`.

use crate::atomic::write_atomic;
use serde::ser::{self, Serialize, Serializer};
use serde_json::{Map, Value};
use std::io;
use std::path::Path;

/// A float as a cell: Rust's shortest round-trip text, or an empty cell
/// when it is NaN or infinite.
pub fn float_cell(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

/// A serialised value as a cell: empty for `null` (`None`, or a NaN or
/// infinity), a string as it is, a number or boolean in JSON's text
/// (serde_json writes only finite numbers, in the same shortest form as
/// the `csv` crate's serializer).
pub fn value_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A row (or value) whose NaN and infinite floats serialise as `None`,
/// which the `csv` crate writes as an empty cell; everything else
/// serialises as it would without the wrapper. Floats inside options and
/// newtypes and the fields of structs are covered (the shape of table
/// rows); floats nested in sequences or maps are not.
pub struct Finite<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for Finite<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(FiniteSer(s))
    }
}

/// The serializer behind [`Finite`]: delegates to `S`, but for non-finite
/// floats.
struct FiniteSer<S>(S);

/// Methods of [`FiniteSer`] that pass their arguments straight on.
macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(fn $name(self, $($arg: $ty),*) -> Result<$ret, S::Error> {
            self.0.$name($($arg),*)
        })*
    };
}

impl<S: Serializer> Serializer for FiniteSer<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = S::SerializeSeq;
    type SerializeTuple = S::SerializeTuple;
    type SerializeTupleStruct = S::SerializeTupleStruct;
    type SerializeTupleVariant = S::SerializeTupleVariant;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = FiniteStruct<S::SerializeStruct>;
    type SerializeStructVariant = S::SerializeStructVariant;

    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            self.0.serialize_f64(v)
        } else {
            self.0.serialize_none()
        }
    }

    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            self.0.serialize_f32(v)
        } else {
            self.0.serialize_none()
        }
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Finite(v))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Finite(v))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &Finite(v))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(FiniteStruct)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    delegate! {
        serialize_bool(v: bool) -> S::Ok;
        serialize_i8(v: i8) -> S::Ok;
        serialize_i16(v: i16) -> S::Ok;
        serialize_i32(v: i32) -> S::Ok;
        serialize_i64(v: i64) -> S::Ok;
        serialize_i128(v: i128) -> S::Ok;
        serialize_u8(v: u8) -> S::Ok;
        serialize_u16(v: u16) -> S::Ok;
        serialize_u32(v: u32) -> S::Ok;
        serialize_u64(v: u64) -> S::Ok;
        serialize_u128(v: u128) -> S::Ok;
        serialize_char(v: char) -> S::Ok;
        serialize_str(v: &str) -> S::Ok;
        serialize_bytes(v: &[u8]) -> S::Ok;
        serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok;
        serialize_unit_struct(name: &'static str) -> S::Ok;
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) -> S::Ok;
        serialize_seq(len: Option<usize>) -> S::SerializeSeq;
        serialize_tuple(len: usize) -> S::SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> S::SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> S::SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> S::SerializeMap;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> S::SerializeStructVariant;
    }
}

/// The fields of a struct under [`Finite`].
struct FiniteStruct<S>(S);

impl<S: ser::SerializeStruct> ser::SerializeStruct for FiniteStruct<S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, &Finite(v))
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.0.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// The fields of a value that serialises as a map (a struct), in order.
pub fn fields<T: Serialize>(row: &T) -> io::Result<Map<String, Value>> {
    match serde_json::to_value(row).map_err(io::Error::other)? {
        Value::Object(m) => Ok(m),
        _ => Err(io::Error::other("a table row is not a struct")),
    }
}

/// Writes a table, atomically: per row, its leading cells (`lead` names
/// their columns), then every field of its serialised map through
/// [`value_cell`]. The header is written with the first row, from its
/// field names (no row: an empty file).
pub fn write_rows<I>(path: &Path, lead: &[String], rows: I) -> io::Result<()>
where
    I: IntoIterator<Item = io::Result<(Vec<String>, Map<String, Value>)>>,
{
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        let mut header_done = false;
        for row in rows {
            let (mut rec, map) = row?;
            if !header_done {
                let mut header = lead.to_vec();
                header.extend(map.keys().cloned());
                csv.write_record(&header)?;
                header_done = true;
            }
            rec.extend(map.values().map(value_cell));
            csv.write_record(&rec)?;
        }
        csv.flush()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Row {
        a: f64,
        b: Option<f64>,
        c: f64,
        d: u64,
        e: &'static str,
        f: Option<f64>,
    }

    const ROW: Row = Row {
        a: f64::INFINITY,
        b: Some(f64::NAN),
        c: 0.1,
        d: 7,
        e: "x",
        f: None,
    };

    /// `row` as the `csv` crate's serde writer writes it, with its header.
    fn csv_of<T: Serialize>(row: &T) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn non_finite_values_are_empty_cells() {
        assert_eq!(float_cell(f64::NAN), "");
        assert_eq!(float_cell(f64::INFINITY), "");
        assert_eq!(float_cell(f64::NEG_INFINITY), "");
        assert_eq!(float_cell(1.5e14), "150000000000000");
        assert_eq!(float_cell(-0.25), "-0.25");
        let cells: Vec<String> = fields(&ROW).unwrap().values().map(value_cell).collect();
        assert_eq!(cells, ["", "", "0.1", "7", "x", ""]);
        // Without the wrapper the csv crate writes `inf` and `NaN`.
        assert_eq!(csv_of(&ROW), "a,b,c,d,e,f\ninf,NaN,0.1,7,x,\n");
        assert_eq!(csv_of(&Finite(&ROW)), "a,b,c,d,e,f\n,,0.1,7,x,\n");
    }

    #[test]
    fn finite_rows_serialise_as_without_the_wrapper() {
        #[derive(serde::Serialize)]
        struct Nested {
            x: f64,
            y: Option<f64>,
            unit: (),
            flag: bool,
            n: i64,
        }
        for x in [0.1, 1e20, 1.5e-7, 148258433698386.0, -3.0, 2.5e300, 5e-324] {
            let row = Nested {
                x,
                y: Some(x),
                unit: (),
                flag: true,
                n: -4,
            };
            assert_eq!(csv_of(&Finite(&row)), csv_of(&row), "{x}");
        }
    }
}

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

/// Appends finite `x` to `out` as Rust's `Display` writes it (the
/// shortest digits that read back as `x`, in plain decimal notation:
/// `19247400`, `0.25`, `-0`, `0.000001`), from ryu's digits, in a fraction
/// of the time (`bands.csv` is a million numbers for a one-run batch).
/// The two choose the same digits except at an exact tie between two
/// shortest candidates, where ryu takes the even one and `Display` the
/// upper one (2^-26 is …695312 to ryu and …695313 to `Display`); that is
/// detected exactly and follows `Display`. Property-tested against
/// `Display` over every binade and random bit patterns; non-finite values
/// are the caller's to exclude.
pub fn push_display_f64(out: &mut String, x: f64) {
    debug_assert!(x.is_finite());
    let mut buf = ryu::Buffer::new();
    let text = buf.format_finite(x);
    // ryu: "d.ddd", "ddd.0", "0.000ddd", "de±n" or "d.ddde±n", maybe
    // after a '-'. |x| ≈ 0.D × 10^point, D the n digits of `digits` (at
    // most 17): one pass over the bytes.
    let (mut digits, mut n) = (0u64, 0i32);
    let (mut int_len, mut seen_point) = (0i32, false);
    let (mut exp, mut exp_negative) = (0i32, false);
    let mut bytes = text.bytes();
    for c in bytes.by_ref() {
        match c {
            b'-' => {}
            b'.' => seen_point = true,
            b'e' => break,
            _ => {
                int_len += i32::from(!seen_point);
                if n == 0 && c == b'0' {
                    // A leading zero: the point moves left.
                    int_len -= 1;
                } else {
                    digits = digits * 10 + u64::from(c - b'0');
                    n += 1;
                }
            }
        }
    }
    for c in bytes {
        match c {
            b'-' => exp_negative = true,
            _ => exp = exp * 10 + i32::from(c - b'0'),
        }
    }
    let mut point = int_len + if exp_negative { -exp } else { exp };
    if n > 0 && exact_tie_above(x.abs(), digits, n, point) {
        digits += 1;
        if digits == 10u64.pow(n as u32) {
            (digits, n) = (1, 1);
            point += 1;
        }
    }
    while n > 0 && digits % 10 == 0 {
        digits /= 10;
        n -= 1;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    let mut text = [0u8; 20];
    let text = if n == 0 {
        "0"
    } else {
        let mut d = digits;
        for slot in text[..n as usize].iter_mut().rev() {
            *slot = b'0' + (d % 10) as u8;
            d /= 10;
        }
        std::str::from_utf8(&text[..n as usize]).expect("ASCII digits")
    };
    if n == 0 {
        out.push_str(text);
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(text);
    } else if point < n {
        out.push_str(&text[..point as usize]);
        out.push('.');
        out.push_str(&text[point as usize..]);
    } else {
        out.push_str(text);
        out.extend(std::iter::repeat_n('0', (point - n) as usize));
    }
}

/// Whether `x` (positive) is exactly (D + 1/2) × 10^(point − n), the
/// midpoint above the n-digit candidate D: then `x` = T × 10^q with T =
/// 10 D + 5 (odd) and q = point − n − 1, so `x`'s odd part m and binary
/// exponent e (x = m × 2^e) must be e = q and m = T × 5^q (q ≥ 0) or
/// m × 5^−q = T (q < 0).
fn exact_tie_above(x: f64, digits: u64, n: i32, point: i32) -> bool {
    let bits = x.to_bits();
    let exp_raw = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if exp_raw == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exp_raw - 1075)
    };
    if m == 0 {
        return false;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let q = point - n - 1;
    if e != q {
        return false;
    }
    let t = u128::from(digits) * 10 + 5;
    let five_pow = |k: u32| 5u128.checked_pow(k);
    if q >= 0 {
        five_pow(q as u32)
            .and_then(|p| t.checked_mul(p))
            .is_some_and(|v| v == u128::from(m))
    } else {
        five_pow((-q) as u32)
            .and_then(|p| u128::from(m).checked_mul(p))
            .is_some_and(|v| v == t)
    }
}

/// A float as a cell: Rust's shortest round-trip text (`Display`'s, by
/// [`push_display_f64`], so every table that formats its own floats
/// writes them one way), or an empty cell when it is NaN or infinite.
pub fn float_cell(x: f64) -> String {
    let mut cell = String::new();
    push_float_cell(&mut cell, x);
    cell
}

/// [`float_cell`] appended to `out` (nothing for a NaN or an infinity).
pub fn push_float_cell(out: &mut String, x: f64) {
    if x.is_finite() {
        push_display_f64(out, x);
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

    fn same_as_display(x: f64) {
        let mut s = String::new();
        push_display_f64(&mut s, x);
        assert_eq!(s, x.to_string(), "bits {:#018x}", x.to_bits());
    }

    #[test]
    fn floats_are_written_as_display_writes_them() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.25,
            19_247_400.0,
            122_400.000_000_000_01,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            1e-5,
            1e-6,
            1e-7,
            123_456_789_012_345_680.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            -5e-324,
            std::f64::consts::PI,
            2f64.powi(53),
            2f64.powi(53) + 2.0,
            9_007_199_254_740_993.0,
        ] {
            same_as_display(x);
        }
        // Every binade, with the values at and next to its powers of two
        // and ten, and short decimals.
        for e in -1074..=1023 {
            let p = 2f64.powi(e);
            for x in [p, p.next_up(), p.next_down(), 1.5 * p, 1.1 * p] {
                if x.is_finite() {
                    same_as_display(x);
                    same_as_display(-x);
                }
            }
        }
        for e in -323..=308 {
            let p = format!("1e{e}").parse::<f64>().unwrap();
            for x in [p, p.next_up(), p.next_down(), 3.0 * p, 0.7 * p] {
                if x.is_finite() {
                    same_as_display(x);
                }
            }
        }
        // Short decimals at every scale (the values bands.csv mostly holds).
        for d in [
            1, 2, 5, 7, 12, 25, 99, 125, 333, 1001, 4999, 65_536, 999_999,
        ] {
            for e in -330..=310 {
                let x: f64 = format!("{d}e{e}").parse().unwrap();
                if x.is_finite() {
                    same_as_display(x);
                }
            }
        }
        for k in 0..20_000 {
            same_as_display(k as f64 * 0.01);
            same_as_display(k as f64 * 1234.5678);
            same_as_display(k as f64 / 3.0);
        }
        // Random bit patterns (a fixed xorshift stream), every finite one.
        let mut z = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..300_000 {
            z ^= z << 13;
            z ^= z >> 7;
            z ^= z << 17;
            let x = f64::from_bits(z);
            if x.is_finite() {
                same_as_display(x);
            }
        }
    }

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

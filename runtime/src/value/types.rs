//! Data types and port typing: Flojoy's `isCompatibleType` rule (REFERENCE §3.3).

use std::fmt;

/// The kind of a [`crate::Value`]: one per Flojoy DataContainer class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    OrderedPair,
    OrderedTriple,
    Surface,
    Scalar,
    Vector,
    Matrix,
    DataFrame,
    Grayscale,
    Image,
    Plotly,
    String,
    Bytes,
    Boolean,
}

impl DataType {
    pub const ALL: [DataType; 13] = [
        DataType::OrderedPair,
        DataType::OrderedTriple,
        DataType::Surface,
        DataType::Scalar,
        DataType::Vector,
        DataType::Matrix,
        DataType::DataFrame,
        DataType::Grayscale,
        DataType::Image,
        DataType::Plotly,
        DataType::String,
        DataType::Bytes,
        DataType::Boolean,
    ];

    /// Flojoy's class name, as used in files and `{"type": ...}` JSON.
    pub const fn name(self) -> &'static str {
        match self {
            DataType::OrderedPair => "OrderedPair",
            DataType::OrderedTriple => "OrderedTriple",
            DataType::Surface => "Surface",
            DataType::Scalar => "Scalar",
            DataType::Vector => "Vector",
            DataType::Matrix => "Matrix",
            DataType::DataFrame => "DataFrame",
            DataType::Grayscale => "Grayscale",
            DataType::Image => "Image",
            DataType::Plotly => "Plotly",
            DataType::String => "String",
            DataType::Bytes => "Bytes",
            DataType::Boolean => "Boolean",
        }
    }

    /// Parses a class name. `TextBlob` is the pre-2023 name of `String`.
    pub fn from_name(name: &str) -> Option<DataType> {
        let name = name.trim();
        if name == "TextBlob" {
            return Some(DataType::String);
        }
        DataType::ALL.into_iter().find(|t| t.name() == name)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The set of data types a port accepts or produces, Flojoy's `A|B` union.
/// `TypeSet::ANY` is Flojoy's `Any` (also what a bare `DataContainer` annotation means).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeSet(u16);

impl TypeSet {
    pub const NONE: TypeSet = TypeSet(0);
    pub const ANY: TypeSet = TypeSet((1 << 13) - 1);

    pub const fn of(t: DataType) -> TypeSet {
        TypeSet(t.bit())
    }

    /// Builds a union in declaration order, e.g. `TypeSet::union(&[OrderedPair, Vector])`.
    pub const fn union(types: &[DataType]) -> TypeSet {
        let mut bits = 0;
        let mut i = 0;
        while i < types.len() {
            bits |= types[i].bit();
            i += 1;
        }
        TypeSet(bits)
    }

    pub const fn or(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 | other.0)
    }

    pub const fn contains(self, t: DataType) -> bool {
        self.0 & t.bit() != 0
    }

    pub const fn is_any(self) -> bool {
        self.0 == Self::ANY.0
    }

    pub fn iter(self) -> impl Iterator<Item = DataType> {
        DataType::ALL.into_iter().filter(move |t| self.contains(*t))
    }

    /// The first member: Flojoy stores it on the edge as `outputType` (used for wire colour).
    pub fn first(self) -> Option<DataType> {
        self.iter().next()
    }

    /// Flojoy's `isCompatibleType(src, dst)`: true if either side is `Any`, else the sets must
    /// intersect. Note that this is a static check: `OrderedPair|Scalar -> Vector` is accepted
    /// even though a Scalar may flow at run time, exactly like Flojoy.
    pub const fn compatible(src: TypeSet, dst: TypeSet) -> bool {
        src.is_any() || dst.is_any() || src.0 & dst.0 != 0
    }

    /// Parses Flojoy's manifest type string (`"OrderedPair|Vector"`, `"Any"`, `"DataContainer"`).
    /// Names we do not model (`Stateful`, `ParametricX`, non-DataContainer annotations) make the
    /// port `Any`: we cannot check them, so we do not refuse wires Flojoy accepted.
    pub fn parse(s: &str) -> TypeSet {
        let mut set = TypeSet::NONE;
        for part in s.split('|') {
            let part = part.trim();
            if part.is_empty() || part == "None" || part == "NoneType" {
                continue;
            }
            match DataType::from_name(part) {
                Some(t) => set = set.or(TypeSet::of(t)),
                None => return TypeSet::ANY,
            }
        }
        if set == TypeSet::NONE { TypeSet::ANY } else { set }
    }
}

impl fmt::Display for TypeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            return f.write_str("Any");
        }
        let mut first = true;
        for t in self.iter() {
            if !first {
                f.write_str("|")?;
            }
            f.write_str(t.name())?;
            first = false;
        }
        Ok(())
    }
}

impl fmt::Debug for TypeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_display_and_parse_round_trip() {
        let t = TypeSet::parse("OrderedPair|Vector");
        assert!(t.contains(DataType::OrderedPair) && t.contains(DataType::Vector));
        assert!(!t.contains(DataType::Scalar));
        assert_eq!(t.to_string(), "OrderedPair|Vector");
        assert_eq!(TypeSet::parse("Any").to_string(), "Any");
        assert_eq!(TypeSet::parse("DataContainer"), TypeSet::ANY);
        assert_eq!(TypeSet::parse("TextBlob"), TypeSet::of(DataType::String));
        assert_eq!(TypeSet::parse("Optional[Foo]"), TypeSet::ANY);
    }

    #[test]
    fn compatibility_follows_flojoy() {
        let op_v_s = TypeSet::parse("OrderedPair|Vector|Scalar");
        assert!(TypeSet::compatible(op_v_s, TypeSet::parse("Vector")));
        assert!(TypeSet::compatible(TypeSet::ANY, TypeSet::parse("Image")));
        assert!(TypeSet::compatible(TypeSet::parse("Image"), TypeSet::ANY));
        assert!(!TypeSet::compatible(TypeSet::parse("Vector"), TypeSet::parse("OrderedPair|Scalar")));
    }
}

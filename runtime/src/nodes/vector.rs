//! ETL/TRANSFORM/VECTOR_MANIPULATION: indexing, slicing, sorting and reshuffling Vectors,
//! block by block as Flojoy's code does it (numpy slicing, `np.roll`, `np.unique`, …),
//! including Flojoy's quirks, which each node's doc names.

use rand::seq::SliceRandom;

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs, seed_param};
use crate::numeric::array::np_extreme;
use crate::numeric::index::{checked_index, delete_at, index_idiom, resolve_index, slice_bound};
use crate::numeric::sort::{py_sorted, unique};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "ETL/TRANSFORM/VECTOR_MANIPULATION";
const VEC: TypeSet = TypeSet::of(T::Vector);
const SCALAR: TypeSet = TypeSet::of(T::Scalar);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        decimate(),
        interleave(),
        remove_duplicates(),
        replace_subset(),
        reverse(),
        shift(),
        shuffle(),
        sort(),
        split(),
        delete(),
        indexing(),
        insert(),
        length(),
        extreme("VECTOR_MAX", "The largest element of the Vector (numpy.max: NaN if any element is NaN).", |ctx| {
            Ok(Outputs::one(Value::scalar(np_extreme(ctx.vector("default")?, true)?)))
        }),
        extreme("VECTOR_MIN", "The smallest element of the Vector (numpy.min: NaN if any element is NaN).", |ctx| {
            Ok(Outputs::one(Value::scalar(np_extreme(ctx.vector("default")?, false)?)))
        }),
        subset(),
    ]
}

fn vec_node(func: &str, doc: &str) -> NodeSpec {
    NodeSpec::new(func, PATH, doc).input("default", VEC, "The input Vector")
}

fn decimate() -> NodeDef {
    NodeDef::sync(
        vec_node(
            "DECIMATE_VECTOR",
            "Keep every factor-th element (v[::factor]); a negative factor walks backwards from the end.",
        )
        .output("default", VEC, "The decimated Vector")
        .int("factor", 1, "Keep one element in every `factor`"),
        |ctx| {
            let v = ctx.vector("default")?;
            let f = ctx.int("factor")?;
            if f == 0 {
                return Err(NodeError::new("parameter 'factor' cannot be 0 (slice step cannot be zero)"));
            }
            let step = f.unsigned_abs().min(v.len().max(1) as u64) as usize;
            let out: Vec<f64> = if f > 0 {
                v.iter().step_by(step).copied().collect()
            } else {
                v.iter().rev().step_by(step).copied().collect()
            };
            Ok(Outputs::one(Value::vector(out)))
        },
    )
}

fn interleave() -> NodeDef {
    NodeDef::sync(
        vec_node(
            "INTERLEAVE_VECTOR",
            "Interleave Vectors of equal length: default[0], a₁[0], a₂[0], …, default[1], a₁[1], … \
             (numpy.stack(...).T.flatten()).",
        )
        .multi_input("a", VEC, "The Vectors to interleave with default, in wire order")
        .output("default", VEC, "The interleaved Vector"),
        |ctx| {
            let first = ctx.vector("default")?;
            let mut all = vec![first];
            for d in ctx.multi("a") {
                match &**d {
                    Value::Vector { v } => all.push(v),
                    other => return Err(ctx.wrong_type("a", other)),
                }
            }
            if let Some(bad) = all.iter().find(|v| v.len() != first.len()) {
                return Err(NodeError(format!(
                    "all input arrays must have the same shape: default has {} elements, another Vector has {}",
                    first.len(),
                    bad.len()
                )));
            }
            let out = (0..first.len()).flat_map(|i| all.iter().map(move |v| v[i])).collect();
            Ok(Outputs::one(Value::vector(out)))
        },
    )
}

fn remove_duplicates() -> NodeDef {
    NodeDef::sync(
        vec_node(
            "REMOVE_DUPLICATES_VECTOR",
            "Remove repeated elements (numpy.unique): note the result is also sorted ascending.",
        )
        .output("default", VEC, "The unique elements, sorted"),
        |ctx| Ok(Outputs::one(Value::vector(unique(ctx.vector("default")?)))),
    )
}

fn indices_params(spec: NodeSpec, what: &str) -> NodeSpec {
    spec.param(
        "indices",
        ParamKind::Array,
        serde_json::Value::Null,
        &format!("Indices into the {what}, comma-separated (negative ones count from the end)"),
    )
    .int(
        "length",
        1,
        "With a single index i: the range i … length−1 is used (Flojoy's rule: the end is `length`, not i+length)",
    )
}

fn replace_subset() -> NodeDef {
    NodeDef::sync(
        indices_params(
            vec_node(
                "REPLACE_SUBSET",
                "Replace the elements at the given indices with the given values (whole numbers, as Flojoy casts \
                 them to int). With a single index i, values must have `length` items and replace positions \
                 i … length−1 (Flojoy's rule, so index 2 with length 1 replaces nothing).",
            )
            .output("default", VEC, "The Vector with the subset replaced"),
            "Vector",
        )
        .param(
            "values",
            ParamKind::Array,
            serde_json::Value::Null,
            "The new values, comma-separated whole numbers",
        ),
        |ctx| {
            let v = ctx.vector("default")?;
            let indices = ctx.int_list("indices")?;
            let values = ctx.int_list("values")?;
            let length = ctx.int("length")?;
            let idx = index_idiom(&indices, length, v.len(), "Vector")?;
            let count_ok =
                if indices.len() > 1 { indices.len() == values.len() } else { length == values.len() as i64 };
            if !count_ok {
                return Err(NodeError::new(
                    "The number of indices and the number of correpsonding elements must be equal.",
                ));
            }
            // Flojoy's np.put writes into the upstream array in place; values here are shared
            // and immutable, so the upstream node's output is left as it was.
            let mut out = v.to_vec();
            for (k, &i) in idx.iter().enumerate() {
                let slot = resolve_index(i, out.len())?;
                out[slot] = values[k % values.len().max(1)] as f64;
            }
            Ok(Outputs::one(Value::vector(out)))
        },
    )
}

fn reverse() -> NodeDef {
    NodeDef::sync(
        vec_node("REVERSE_VECTOR", "Reverse the order of the elements (numpy.flip).").output(
            "default",
            VEC,
            "The reversed Vector",
        ),
        |ctx| {
            let mut v = ctx.vector("default")?.to_vec();
            v.reverse();
            Ok(Outputs::one(Value::vector(v)))
        },
    )
}

fn shift() -> NodeDef {
    NodeDef::sync(
        vec_node(
            "SHIFT_VECTOR",
            "Shift the elements circularly (numpy.roll): positive moves them right, negative left.",
        )
        .output("default", VEC, "The shifted Vector")
        .int("shift", 1, "How many places to move the elements"),
        |ctx| {
            let v = ctx.vector("default")?;
            let n = v.len();
            if n == 0 {
                return Ok(Outputs::one(Value::vector(Vec::new())));
            }
            let s = (i128::from(ctx.int("shift")?).rem_euclid(n as i128)) as usize;
            let mut out = v.to_vec();
            out.rotate_right(s);
            Ok(Outputs::one(Value::vector(out)))
        },
    )
}

fn shuffle() -> NodeDef {
    NodeDef::sync(
        seed_param(
            vec_node("SHUFFLE_VECTOR", "Shuffle the elements into a random order (numpy.random.permutation).").output(
                "default",
                VEC,
                "The shuffled Vector",
            ),
        ),
        |ctx| {
            let mut v = ctx.vector("default")?.to_vec();
            v.shuffle(&mut ctx.rng());
            Ok(Outputs::one(Value::vector(v)))
        },
    )
}

fn sort() -> NodeDef {
    NodeDef::sync(
        vec_node("SORT_VECTOR", "Sort the elements, ascending or (reverse) descending. NaNs go last.")
            .output("default", VEC, "The sorted Vector")
            .bool("reverse", false, "Sort in descending order"),
        |ctx| Ok(Outputs::one(Value::vector(py_sorted(ctx.vector("default")?, ctx.bool("reverse"))))),
    )
}

fn split() -> NodeDef {
    NodeDef::sync(
        vec_node(
            "SPLIT_VECTOR",
            "Split the Vector at an index: vector1 = v[:index], vector2 = v[index:] (a negative index counts \
             from the end, as in Python).",
        )
        .output("vector1", VEC, "The elements before the index")
        .output("vector2", VEC, "The elements from the index on")
        .int("index", 0, "Where to split"),
        |ctx| {
            let v = ctx.vector("default")?;
            let index = ctx.int("index")?;
            if i128::from(index) > v.len() as i128 - 1 {
                return Err(NodeError(format!("Given index is larger than the input vector, index: {index}")));
            }
            let at = slice_bound(index, v.len());
            Ok(Outputs::none()
                .with("vector1", Value::vector(v[..at].to_vec()))
                .with("vector2", Value::vector(v[at..].to_vec())))
        },
    )
}

fn delete() -> NodeDef {
    NodeDef::sync(
        indices_params(
            vec_node(
                "VECTOR_DELETE",
                "Delete the elements at the given indices (numpy.delete). With a single index i, the range \
                 i … length−1 is deleted (Flojoy's rule).",
            )
            .output("default", VEC, "The Vector without those elements"),
            "Vector",
        ),
        |ctx| {
            let v = ctx.vector("default")?;
            let idx = index_idiom(&ctx.int_list("indices")?, ctx.int("length")?, v.len(), "Vector")?;
            Ok(Outputs::one(Value::vector(delete_at(v, &idx)?)))
        },
    )
}

fn indexing() -> NodeDef {
    NodeDef::sync(
        vec_node("VECTOR_INDEXING", "The element at an index, as a Scalar.").output("default", SCALAR, "v[index]").int(
            "index",
            0,
            "Which element (0 is the first)",
        ),
        |ctx| {
            let v = ctx.vector("default")?;
            let i = checked_index(ctx.int("index")?, v.len(), "Vector")?;
            Ok(Outputs::one(Value::scalar(v[i])))
        },
    )
}

fn insert() -> NodeDef {
    NodeDef::sync(
        vec_node(
            "VECTOR_INSERT",
            "Insert a whole number before the element at an index. Flojoy's quirk: at the last index the value \
             is appended at the end instead.",
        )
        .output("default", VEC, "The Vector with the value inserted")
        .int("index", 0, "Where to insert")
        .int("value", 0, "The value to insert"),
        |ctx| {
            let v = ctx.vector("default")?;
            let i = checked_index(ctx.int("index")?, v.len(), "Vector")?;
            let value = ctx.int("value")? as f64;
            let mut out = v.to_vec();
            if i == v.len() - 1 {
                out.push(value);
            } else {
                out.insert(i, value);
            }
            Ok(Outputs::one(Value::vector(out)))
        },
    )
}

fn length() -> NodeDef {
    NodeDef::sync(
        vec_node("VECTOR_LENGTH", "The number of elements, as a Scalar.").output("default", SCALAR, "len(v)"),
        |ctx| Ok(Outputs::one(Value::scalar(ctx.vector("default")?.len() as f64))),
    )
}

fn extreme(func: &'static str, doc: &str, run: fn(&mut Ctx<'_>) -> NodeResult) -> NodeDef {
    NodeDef::sync(vec_node(func, doc).output("default", SCALAR, "The extreme value"), run)
}

fn subset() -> NodeDef {
    NodeDef::sync(
        indices_params(
            vec_node(
                "VECTOR_SUBSET",
                "The elements at the given indices, in that order (numpy.take). With a single index i, the \
                 range i … length−1 (Flojoy's rule).",
            )
            .output("default", VEC, "The selected elements"),
            "Vector",
        ),
        |ctx| {
            let v = ctx.vector("default")?;
            let idx = index_idiom(&ctx.int_list("indices")?, ctx.int("length")?, v.len(), "Vector")?;
            let out = idx.iter().map(|&i| resolve_index(i, v.len()).map(|j| v[j])).collect::<Result<_, _>>()?;
            Ok(Outputs::one(Value::vector(out)))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::testing::run_node;

    #[test]
    fn shuffle_vector_permutes_and_is_repeatable_with_a_seed() {
        let v: Vec<f64> = (0..50).map(f64::from).collect();
        let run =
            |p: serde_json::Value| match &run_node("SHUFFLE_VECTOR", vec![("default", Value::vector(v.clone()))], p)[0]
                .1
            {
                Value::Vector { v } => v.clone(),
                other => panic!("{other:?}"),
            };
        let a = run(serde_json::json!({"seed": 1}));
        assert_eq!(a, run(serde_json::json!({"seed": 1})));
        assert_ne!(a, v);
        assert_ne!(a, run(serde_json::json!({"seed": 2})));
        let mut sorted = run(serde_json::json!({}));
        sorted.sort_by(f64::total_cmp);
        assert_eq!(sorted, v);
    }
}

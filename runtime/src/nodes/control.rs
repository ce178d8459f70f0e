//! CONTROL_FLOW: loops, conditionals, feedback, accumulation and timing.
//! These nodes steer the scheduler (by naming the outputs to follow) and keep state in node
//! memory exactly as Flojoy's blocks do, so loop counts and branch choices match.

use futures::future::LocalBoxFuture;

use super::{AsyncCtx, Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, Matrix, TypeSet, Value};

pub fn nodes() -> Vec<NodeDef> {
    vec![loop_node(), loop_index(), break_node(), conditional(), feedback(), append(), timer()]
}

/// LOOP's memory (Flojoy's `LoopData`).
#[derive(Default, Debug)]
pub struct LoopState {
    pub loaded: bool,
    pub num_loops: i64,
    pub current_iteration: i64,
    pub is_finished: bool,
}

fn loop_node() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "LOOP",
            "CONTROL_FLOW/LOOPS",
            "Run the nodes wired to 'body' a given number of times (−1 = forever, until a BREAK), then continue from 'end'.",
        )
        .optional_input("default", TypeSet::ANY, "Passed on to body and end")
        .output("body", TypeSet::ANY, "Forwards the input to the body")
        .output("end", TypeSet::ANY, "Forwards the input to the end")
        .int_range("num_loops", -1, Some(-1), None, "How many times to run the body; −1 means forever"),
        |ctx| {
            let num_loops = ctx.int("num_loops")?;
            let data = ctx.input_data("default");
            let st = ctx.memory::<LoopState>();
            if !st.loaded {
                // Flojoy merges {num_loops, **stored}: a BREAK may already have written here
                st.loaded = true;
                st.num_loops = num_loops;
            }
            let result = |finished: bool| {
                Outputs::none().with_data("body", data.clone()).with_data("end", data.clone()).flow_to(if finished { &["end"] } else { &["body"] })
            };
            // a BREAK finished us: leave through `end`, ready to run again (nested loops)
            if st.is_finished {
                st.is_finished = false;
                return Ok(result(true));
            }
            if num_loops == -1 {
                return Ok(result(false));
            }
            st.current_iteration += 1;
            if st.current_iteration > st.num_loops {
                st.is_finished = true;
            }
            let finished = st.is_finished;
            if finished {
                // Flojoy deletes the loop's data when it ends
                *st = LoopState::default();
            }
            Ok(result(finished))
        },
    )
    .stateful()
}

fn loop_index() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("LOOP_INDEX", "CONTROL_FLOW/LOOP_TOOLS", "The current iteration (1, 2, …) of a LOOP.")
            .optional_input("default", TypeSet::union(&[T::OrderedPair, T::Scalar]), "Only triggers the node")
            .output("default", TypeSet::of(T::Scalar), "The loop index")
            .param(
                "loop_node",
                ParamKind::NodeRef,
                serde_json::Value::Null,
                "The LOOP node to track the loop index from",
            ),
        |ctx| {
            // Flojoy refuses a reference that is empty or not a LOOP
            if !ctx.text("loop_node").contains("LOOP") {
                return Err(NodeError::new("'loop_node' must name a LOOP node"));
            }
            let i = ctx
                .node_ref("loop_node")
                .and_then(|lp| ctx.memory_of::<LoopState>(lp))
                .filter(|st| st.loaded)
                .map_or(1, |st| st.current_iteration);
            Ok(Outputs::one(Value::scalar(i as f64)))
        },
    )
    .stateful()
}

fn break_node() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("BREAK", "CONTROL_FLOW/LOOP_TOOLS", "Stop a LOOP: its next turn leaves through 'end'.")
            .optional_input("default", TypeSet::ANY, "Triggers the break")
            .param("referred_node", ParamKind::NodeRef, serde_json::Value::Null, "The LOOP to stop"),
        |ctx| {
            let lp = ctx
                .node_ref("referred_node")
                .ok_or_else(|| NodeError::new("'referred_node' must name the LOOP to stop"))?;
            // Flojoy's BREAK fails when the loop has not run yet (its memory is empty)
            let st = ctx
                .memory_of::<LoopState>(lp)
                .filter(|st| st.loaded)
                .ok_or_else(|| NodeError::new("the referred LOOP has not started, so there is nothing to break"))?;
            st.current_iteration = 1;
            st.is_finished = true;
            Ok(Outputs::none())
        },
    )
    .stateful()
}

fn conditional() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CONDITIONAL",
            "CONTROL_FLOW/CONDITIONALS",
            "Compare x with y and continue down 'true' or 'false' (the other branch does not run). Forwards x when true, y when false, as Flojoy does.",
        )
        .input("x", TypeSet::of(T::Scalar), "Left side")
        .input("y", TypeSet::of(T::Scalar), "Right side")
        .output("true", TypeSet::ANY, "Followed when x op y holds")
        .output("false", TypeSet::ANY, "Followed otherwise")
        .select("operator_type", &["<=", ">", "<", ">=", "!=", "=="], ">=", "The comparison"),
        |ctx| {
            let scalar = |ctx: &Ctx<'_>, name: &str| match ctx.need(name)? {
                Value::Scalar { c } => Ok(*c),
                other => Err(ctx.wrong_type(name, other)),
            };
            let (x, y) = (scalar(ctx, "x")?, scalar(ctx, "y")?);
            let b = match ctx.text("operator_type") {
                "<=" => x <= y,
                ">" => x > y,
                "<" => x < y,
                "!=" => x != y,
                "==" => x == y,
                _ => x >= y,
            };
            let data = if b { ctx.input_data("x") } else { ctx.input_data("y") };
            Ok(Outputs::none().with_data("true", data.clone()).with_data("false", data).flow_to(if b { &["true"] } else { &["false"] }))
        },
    )
    .stateful()
}

fn feedback() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "FEEDBACK",
            "CONTROL_FLOW/LOOPS",
            "Give the last result of another node (from the previous loop turn); before it has one, pass the input on.",
        )
        .optional_input("default", TypeSet::ANY, "Passed on while the referred node has no result")
        .output("default", TypeSet::ANY, "The referred node's last result")
        .param(
            "referred_node",
            ParamKind::NodeRef,
            serde_json::Value::Null,
            "The node whose result to feed back",
        ),
        |ctx| {
            let last = ctx
                .node_ref("referred_node")
                .and_then(|n| ctx.result_of(n))
                .and_then(|r| r.iter().flatten().next().cloned());
            Ok(Outputs::none().with_data("default", last.or_else(|| ctx.input_data("default"))))
        },
    )
    .stateful()
}

fn append() -> NodeDef {
    let any = TypeSet::union(&[T::OrderedPair, T::Matrix, T::DataFrame, T::Scalar, T::Vector]);
    NodeDef::sync(
        NodeSpec::new(
            "APPEND",
            "CONTROL_FLOW/LOOPS",
            "Append the secondary data to the primary (usually fed back by FEEDBACK) to build up results in a loop.",
        )
        .optional_input("primary_dp", any, "What has been collected so far")
        .input("secondary_dp", any, "What to add")
        .output("default", any, "primary with secondary appended"),
        |ctx| {
            let sec = ctx.need("secondary_dp")?;
            let Some(pri) = ctx.input("primary_dp") else {
                return Ok(Outputs::data(
                    ctx.input_data("secondary_dp").ok_or_else(|| NodeError::new("no secondary_dp"))?,
                ));
            };
            let cat = |a: &[f64], b: &[f64]| [a, b].concat();
            let out = match (pri, sec) {
                (Value::OrderedPair { x, y }, Value::OrderedPair { x: x2, y: y2 }) => {
                    if y2.len() != 1 {
                        return Err(NodeError(format!(
                            "APPEND needs the secondary OrderedPair to be a single point; it has {} points",
                            y2.len()
                        )));
                    }
                    Value::pair(cat(x, x2), cat(y, y2))
                }
                (Value::Matrix { m }, Value::Matrix { m: m2 }) => {
                    if m.cols != m2.cols && m.rows > 0 {
                        return Err(NodeError(format!(
                            "cannot append a {}-column Matrix to a {}-column one",
                            m2.cols, m.cols
                        )));
                    }
                    let cols = if m.rows == 0 { m2.cols } else { m.cols };
                    Value::Matrix { m: Matrix { rows: m.rows + m2.rows, cols, data: cat(&m.data, &m2.data) } }
                }
                (Value::Vector { v }, Value::Vector { v: v2 }) => Value::vector(cat(v, v2)),
                (Value::Vector { v }, Value::Scalar { c }) => Value::vector(cat(v, &[*c])),
                (Value::Scalar { c }, Value::Scalar { c: c2 }) => Value::vector(vec![*c, *c2]),
                // a point on top of the collected array: the point joins the array, as the block's
                // doc asks ("the large array must be passed to the bottom connection"). Flojoy's
                // block raises a ValueError here, which stops Studio's own bodePlot.json at its
                // second iteration.
                (Value::Scalar { c }, Value::Vector { v }) => Value::vector(cat(v, &[*c])),
                (Value::DataFrame { m }, Value::DataFrame { m: m2 }) => Value::DataFrame { m: append_frames(m, m2) },
                (a, b) => return Err(NodeError(format!("cannot append {} to {}", b.data_type(), a.data_type()))),
            };
            Ok(Outputs::one(out))
        },
    )
    .stateful()
}

/// pandas `_append`: columns matched by name, missing cells become NaN/empty.
fn append_frames(a: &crate::value::DataFrame, b: &crate::value::DataFrame) -> crate::value::DataFrame {
    use crate::value::{Column, ColumnData};
    let (na, nb) = (a.rows(), b.rows());
    let mut names: Vec<&str> = a.columns.iter().map(|c| c.name.as_str()).collect();
    for c in &b.columns {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    let columns = names
        .into_iter()
        .map(|name| {
            let (ca, cb) = (a.column(name), b.column(name));
            let numeric = ca.is_none_or(|c| c.data.as_num().is_some()) && cb.is_none_or(|c| c.data.as_num().is_some());
            let data = if numeric {
                let part = |c: Option<&Column>, n: usize| {
                    c.and_then(|c| c.data.as_num()).map_or(vec![f64::NAN; n], <[f64]>::to_vec)
                };
                ColumnData::Num([part(ca, na), part(cb, nb)].concat())
            } else {
                let part = |c: Option<&Column>, n: usize| {
                    c.map_or(vec![String::new(); n], |c| (0..n).map(|i| c.data.cell_text(i)).collect())
                };
                ColumnData::Text([part(ca, na), part(cb, nb)].concat())
            };
            Column { name: name.to_owned(), data }
        })
        .collect();
    crate::value::DataFrame::new(columns)
}

fn timer() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new("TIMER", "CONTROL_FLOW/TIMERS", "Wait a number of seconds, then pass the input on.")
            .optional_input("default", TypeSet::ANY, "Passed on after the wait")
            .output("default", TypeSet::ANY, "The input, unchanged")
            .param("sleep_time", ParamKind::Float { min: Some(0.0), max: None }, 0.0, "Seconds to wait"),
        run_timer,
    )
}

fn run_timer(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let s = ctx.f64("sleep_time")?;
        ctx.host.sleep(s * 1000.0).await;
        Ok(Outputs::none().with_data("default", ctx.input_data("default")))
    })
}

//! What the fuzz targets do with their input: everything a file, a link or an edit reaches.
//! A panic anywhere in here is a bug (the app would die in the visitor's tab); so is a round
//! trip that loses something.

use std::rc::Rc;

use arbitrary::Arbitrary;
use futures::future::LocalBoxFuture;
use runtime::flow::edit::{self, Edit};
use runtime::flow::{Edge, Flow, InPort, Node, OutPort};
use runtime::host::Host;
use runtime::schedule::{self, Cache, CancelToken, RunOptions};
use runtime::{file, nodes, validate};
use serde_json::{Value as Json, json};

/// A host with instant timers and a fixed clock and seed, so a run is quick and repeatable.
pub struct Quick(std::time::Instant);

impl Host for Quick {
    fn now_ms(&self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1000.0
    }
    fn unix_time_s(&self) -> f64 {
        1.7e9
    }
    fn entropy(&self) -> u64 {
        9
    }
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

/// Runs a flow for at most a few milliseconds (nothing may panic; failures are fine).
pub fn run(flow: &Flow) {
    // A node asked for a billion samples fails the tab by memory, not by a bug: such flows
    // are imported and validated above, but only modest ones are run.
    if flow.len() > 24 || flow.nodes().any(|n| n.params.values().any(too_big)) {
        return;
    }
    let opts = RunOptions { max_runtime_ms: 10.0, ..RunOptions::default() };
    let host: Rc<dyn Host> = Rc::new(Quick(std::time::Instant::now()));
    let _ = futures::executor::block_on(schedule::run(
        flow,
        host,
        &opts,
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |_| {},
    ));
}

fn too_big(v: &Json) -> bool {
    match v {
        Json::Number(n) => n.as_f64().is_some_and(|f| f.abs() > 4096.0),
        Json::String(s) => s.len() > 4096 || s.parse::<f64>().is_ok_and(|f| f.abs() > 4096.0),
        Json::Array(a) => a.len() > 4096 || a.iter().any(too_big),
        Json::Object(o) => o.values().any(too_big),
        _ => false,
    }
}

/// Everything done with a file a user opens: import, validate, save, import our own output
/// again (it must load, with the same nodes and wires), run.
pub fn exercise(text: &str) {
    let Ok(loaded) = file::load(text, 3) else { return };
    let flow = loaded.flow;
    let _ = validate::validate(&flow);
    let saved = file::save(&flow);
    let again = match file::load(&saved, 3) {
        Ok(l) => l.flow,
        Err(e) => panic!("our own output does not load: {e}\n{saved}"),
    };
    assert_eq!(again.len(), flow.len(), "a save/load round trip lost nodes");
    assert_eq!(again.edge_count(), flow.edge_count(), "a save/load round trip lost wires");
    assert_eq!(file::save(&again), saved, "a second save/load round trip changed the file");
    run(&flow);
}

/// A JSON value the fuzzer picks: small, with the awkward cases (NaN-like strings, huge and
/// negative numbers, nesting).
#[derive(Arbitrary, Debug)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i16),
    Num(f32),
    Odd(u8),
    Str(String),
    List(Vec<Val>),
}

impl Val {
    pub fn json(&self) -> Json {
        match self {
            Val::Null => Json::Null,
            Val::Bool(b) => json!(b),
            Val::Int(i) => json!(i),
            Val::Num(f) => serde_json::Number::from_f64(f64::from(*f)).map_or(Json::Null, Json::Number),
            Val::Odd(k) => {
                const ODD: [&str; 8] = ["nan", "inf", "-1", "1e300", "", "0", "[1,2]", "None"];
                json!(ODD[*k as usize % ODD.len()])
            }
            Val::Str(s) => json!(s.chars().take(40).collect::<String>()),
            Val::List(v) => Json::Array(v.iter().take(8).map(Val::json).collect()),
        }
    }
}

/// A flow-shaped document: real node kinds, real port and parameter names, random values.
#[derive(Arbitrary, Debug)]
pub struct FlowShape {
    nodes: Vec<(u16, Vec<(u8, Val)>)>,
    wires: Vec<(u8, u8, u8, u8)>,
    /// Which of Flojoy's file generations to write it as.
    generation: u8,
}

impl FlowShape {
    pub fn json(&self) -> Json {
        let all = nodes::all();
        let picked: Vec<_> = self.nodes.iter().take(12).map(|(k, p)| (all[*k as usize % all.len()], p)).collect();
        let ids: Vec<String> = picked.iter().enumerate().map(|(i, (d, _))| format!("{}-{i}", d.spec.func)).collect();
        let nodes: Vec<Json> = picked
            .iter()
            .zip(&ids)
            .enumerate()
            .map(|(i, ((def, params), id))| {
                let mut ctrls = serde_json::Map::new();
                for (k, v) in params.iter().take(6) {
                    let Some(p) = def.spec.params.get(*k as usize % def.spec.params.len().max(1)) else { continue };
                    ctrls.insert(p.name.clone(), json!({"param": p.name, "value": v.json()}));
                }
                let data = json!({"id": id, "func": def.spec.func, "label": def.spec.func, "ctrls": ctrls});
                json!({"id": id, "position": {"x": i as f64 * 200.0, "y": 0.0}, "data": data})
            })
            .collect();
        let mut edges = Vec::new();
        if !picked.is_empty() {
            for (s, so, t, ti) in self.wires.iter().take(20) {
                let (from, to) = (*s as usize % picked.len(), *t as usize % picked.len());
                let outs = &picked[from].0.spec.outputs;
                let ins = &picked[to].0.spec.inputs;
                let sh = outs.get(*so as usize % outs.len().max(1)).map_or("default", |p| p.name.as_str());
                let th = ins.get(*ti as usize % ins.len().max(1)).map_or("default", |p| p.name.as_str());
                edges.push(json!({"source": ids[from], "sourceHandle": sh, "target": ids[to], "targetHandle": th}));
            }
        }
        match self.generation % 3 {
            0 => json!({"rfInstance": {"nodes": nodes, "edges": edges}}),
            1 => json!({"rfInstance": {"nodes": nodes, "edges": edges}, "ctrlsManifest": []}),
            _ => json!({"name": "fuzz", "rfInstance": {"nodes": nodes, "edges": edges}, "textNodes": []}),
        }
    }
}

/// One editor action, on whatever the flow holds at that moment (indices wrap).
#[derive(Arbitrary, Debug)]
pub enum Action {
    Add {
        kind: u16,
        at: (i16, i16),
    },
    Remove(u8),
    Connect {
        from: u8,
        out: u8,
        to: u8,
        input: u8,
    },
    Disconnect(u8),
    SetParam {
        node: u8,
        param: u8,
        value: Val,
    },
    Move {
        node: u8,
        to: (i16, i16),
    },
    Rename {
        node: u8,
        label: String,
    },
    Resize {
        node: u8,
        size: Option<(u16, u16)>,
    },
    /// Some nodes made a subflow at a level (0: the top, else one of the subflows).
    MakeSubflow {
        nodes: Vec<u8>,
        level: u8,
    },
    DissolveSubflow(u8),
    Batch(Vec<Action>),
}

impl Action {
    /// The edit this action means on `flow` now, if it can mean one.
    pub fn edit(&self, flow: &Flow, fresh: &mut u32) -> Option<Edit> {
        let ids = flow.node_ids();
        let node = |i: &u8| ids.get(*i as usize % ids.len().max(1)).copied();
        Some(match self {
            Action::Add { kind, at } => {
                let all = nodes::all();
                let def = all[*kind as usize % all.len()];
                *fresh += 1;
                let key = format!("{}-fuzz{fresh}", def.spec.func);
                let label = flow.unique_label(&def.spec.func);
                Edit::AddNode(Box::new(Node::builtin(def, key, label, (f64::from(at.0), f64::from(at.1)))))
            }
            Action::Remove(i) => Edit::RemoveNode(node(i)?),
            Action::Connect { from, out, to, input } => {
                let (a, b) = (node(from)?, node(to)?);
                let outs = flow.node(a)?.spec().outputs.len();
                let ins = flow.node(b)?.spec().inputs.len();
                if outs == 0 || ins == 0 {
                    return None;
                }
                Edit::Connect(Edge {
                    from: OutPort { node: a, port: (*out as usize % outs) as u16 },
                    to: InPort { node: b, port: (*input as usize % ins) as u16 },
                })
            }
            Action::Disconnect(i) => {
                let edges: Vec<Edge> = flow.edges().collect();
                Edit::Disconnect(*edges.get(*i as usize % edges.len().max(1))?)
            }
            Action::SetParam { node: n, param, value } => {
                let id = node(n)?;
                let spec = flow.node(id)?.spec();
                let p = spec.params.get(*param as usize % spec.params.len().max(1))?;
                Edit::SetParam { node: id, name: p.name.clone(), value: value.json() }
            }
            Action::Move { node: n, to } => Edit::Move { node: node(n)?, to: (f64::from(to.0), f64::from(to.1)) },
            Action::Rename { node: n, label } => Edit::Rename { node: node(n)?, label: label.clone() },
            Action::Resize { node: n, size } => {
                Edit::Resize { node: node(n)?, size: size.map(|(w, h)| (f64::from(w), f64::from(h))) }
            }
            Action::MakeSubflow { nodes, level } => {
                let subs: Vec<&str> = flow.groups.iter().filter(|g| g.is_subflow()).map(|g| g.id.as_str()).collect();
                let level = (*level as usize % (subs.len() + 1)).checked_sub(1).map(|i| subs[i]);
                let chosen: Vec<_> = nodes.iter().take(8).filter_map(node).collect();
                flow.make_subflow_edit(&chosen, level)?.0
            }
            Action::DissolveSubflow(i) => {
                let subs: Vec<&str> = flow.groups.iter().filter(|g| g.is_subflow()).map(|g| g.id.as_str()).collect();
                flow.dissolve_subflow_edit(subs.get(*i as usize % subs.len().max(1))?)?
            }
            Action::Batch(inner) => {
                // a batch is built against the flow as it is now; its members may fail, and
                // then the whole batch must leave the flow untouched
                let mut scratch = *fresh;
                Edit::Batch(inner.iter().take(6).filter_map(|a| a.edit(flow, &mut scratch)).collect())
            }
        })
    }
}

/// Applies the actions one by one, validating after each; then undoes everything (the flow
/// must be exactly the starting one again), redoes everything (exactly the edited one), and
/// runs the result.
pub fn edit_session(start: &Flow, actions: &[Action]) {
    let mut flow = start.clone();
    let before = file::save(&flow);
    let mut undo: Vec<Edit> = Vec::new();
    let mut fresh = 0;
    for a in actions.iter().take(40) {
        let Some(e) = a.edit(&flow, &mut fresh) else { continue };
        let snapshot = file::save(&flow);
        match edit::apply(&mut flow, e) {
            Ok(inverse) => undo.push(inverse),
            Err(_) => assert_eq!(file::save(&flow), snapshot, "a refused edit changed the flow"),
        }
        let _ = validate::validate(&flow);
    }
    let after = file::save(&flow);
    let mut redo = Vec::new();
    while let Some(e) = undo.pop() {
        match edit::apply(&mut flow, e) {
            Ok(inverse) => redo.push(inverse),
            Err(err) => panic!("undo failed: {err}"),
        }
    }
    assert_eq!(file::save(&flow), before, "undoing every edit did not give the flow back");
    while let Some(e) = redo.pop() {
        if let Err(err) = edit::apply(&mut flow, e) {
            panic!("redo failed: {err}");
        }
    }
    assert_eq!(file::save(&flow), after, "redoing every edit did not give the edited flow back");
    // running is the `flow` target's part: here it cost 40× the executions
}

/// Some real flows to edit: the gallery's, bundled at compile time.
pub fn starting_flows() -> &'static [Flow] {
    static FLOWS: std::sync::OnceLock<Vec<Flow>> = std::sync::OnceLock::new();
    FLOWS.get_or_init(|| {
        [
            include_str!("../../public/gallery/fft.json"),
            include_str!("../../public/gallery/damped-oscillator.json"),
            include_str!("../../public/gallery/csv-cleanup.json"),
            include_str!("../../public/gallery/fibonacci.json"),
        ]
        .iter()
        .filter_map(|t| file::load(t, 1).ok().map(|l| l.flow))
        .chain(std::iter::once(Flow::new()))
        .collect()
    })
}

//! Property tests: random and mutated files never panic the importer, the validator, the
//! writer or the scheduler.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use proptest::prelude::*;
use runtime::host::Host;
use runtime::schedule::{self, Cache, CancelToken, RunOptions};
use runtime::{file, nodes, validate};
use serde_json::{Value as Json, json};

/// A host with instant timers and a real clock, so fuzzed flows finish quickly.
struct Quick(std::time::Instant);

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

/// Everything we do with a file a user opens; none of it may panic.
fn exercise(text: &str) {
    let Ok(loaded) = file::load(text, 3) else { return };
    let f = loaded.flow;
    let _ = validate::validate(&f);
    let saved = file::save(&f);
    let again = file::load(&saved, 3).expect("our own output must load");
    assert_eq!(again.flow.len(), f.len());
    let opts = RunOptions { max_runtime_ms: 30.0, ..RunOptions::default() };
    let host: Rc<dyn Host> = Rc::new(Quick(std::time::Instant::now()));
    let _ = futures::executor::block_on(schedule::run(
        &f,
        host,
        &opts,
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |_| {},
    ));
}

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i32>().prop_map(|i| json!(i)),
        (-1e9f64..1e9).prop_map(|f| json!(f)),
        prop_oneof![Just(1e300), Just(-1.0), Just(0.0), Just(2e9)].prop_map(|f| json!(f)),
        "[a-zA-Z_ 0-9-]{0,12}".prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

fn func() -> impl Strategy<Value = String> {
    let names: Vec<String> = nodes::all().iter().map(|d| d.spec.func.clone()).collect();
    prop_oneof![prop::sample::select(names), "[A-Z_]{1,10}"]
}

/// Flow-shaped JSON: real node names, plausible ports and parameters, random values.
fn flow_json() -> impl Strategy<Value = Json> {
    let node = (func(), "[a-z0-9]{1,4}", prop::collection::btree_map("[a-z_]{1,10}", any_json(), 0..4), any_json());
    let handles = prop::sample::select(vec![
        "default",
        "a",
        "b",
        "x",
        "y",
        "body",
        "end",
        "true",
        "false",
        "_",
        "primary_dp",
        "zzz",
    ]);
    (prop::collection::vec(node, 1..7), prop::collection::vec((0usize..7, handles.clone(), 0usize..7, handles), 0..10)).prop_map(
        |(nodes, edges)| {
            let ids: Vec<String> = nodes.iter().map(|(f, s, _, _)| format!("{f}-{s}")).collect();
            let nodes: Vec<Json> = nodes
                .iter()
                .zip(&ids)
                .map(|((f, _, ctrls, pos), id)| {
                    let ctrls: serde_json::Map<String, Json> = ctrls.iter().map(|(k, v)| (k.clone(), json!({"param": k, "value": v}))).collect();
                    json!({"id": id, "position": pos, "data": {"func": f, "label": f, "ctrls": ctrls}})
                })
                .collect();
            let edges: Vec<Json> = edges
                .iter()
                .map(|(s, sh, t, th)| json!({"source": ids[s % ids.len()], "sourceHandle": sh, "target": ids[t % ids.len()], "targetHandle": th}))
                .collect();
            json!({"rfInstance": {"nodes": nodes, "edges": edges}})
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(j in any_json()) {
        exercise(&j.to_string());
        exercise(&json!({"rfInstance": j}).to_string());
    }

    #[test]
    fn flow_shaped_json_never_panics(j in flow_json()) {
        exercise(&j.to_string());
    }

    #[test]
    fn mutated_gallery_files_never_panic(which in 0usize..8, cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), truncate in any::<prop::sample::Index>()) {
        let mut names: Vec<_> = std::fs::read_dir(support::apps().join("gallery")).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        let mut bytes = std::fs::read(&names[which % names.len()]).unwrap();
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        exercise(&text);
        exercise(&text[..text.char_indices().map(|(i, _)| i).nth(truncate.index(text.chars().count())).unwrap_or(0)]);
    }
}

/// What a session with subflows does: make one (of some nodes, at a level), dissolve one,
/// remove a node.
#[derive(Clone, Debug)]
enum SubflowStep {
    Make(Vec<prop::sample::Index>, prop::sample::Index),
    Dissolve(prop::sample::Index),
    Remove(prop::sample::Index),
}

fn subflow_step() -> impl Strategy<Value = SubflowStep> {
    prop_oneof![
        3 => (prop::collection::vec(any::<prop::sample::Index>(), 1..5), any::<prop::sample::Index>())
            .prop_map(|(n, l)| SubflowStep::Make(n, l)),
        1 => any::<prop::sample::Index>().prop_map(SubflowStep::Dissolve),
        1 => any::<prop::sample::Index>().prop_map(SubflowStep::Remove),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random subflow sessions on a gallery flow: every state saves and loads back the same
    /// (no warning), every node is drawn at exactly one place at every level it belongs to,
    /// and undoing everything gives the flow back.
    #[test]
    fn subflow_sessions_round_trip_and_undo(which in 0usize..8, steps in prop::collection::vec(subflow_step(), 1..12)) {
        let mut names: Vec<_> = std::fs::read_dir(support::apps().join("gallery")).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        let start = file::load(&std::fs::read_to_string(&names[which % names.len()]).unwrap(), 1).unwrap().flow;
        let mut f = start.clone();
        let mut undo = Vec::new();
        for step in steps {
            let subs: Vec<String> = f.groups.iter().filter(|g| g.is_subflow()).map(|g| g.id.clone()).collect();
            let ids = f.node_ids();
            let edit = match step {
                SubflowStep::Make(nodes, level) => {
                    let levels: Vec<Option<&str>> = std::iter::once(None).chain(subs.iter().map(|s| Some(s.as_str()))).collect();
                    let chosen: Vec<_> = nodes.iter().filter(|_| !ids.is_empty()).map(|i| ids[i.index(ids.len())]).collect();
                    f.make_subflow_edit(&chosen, levels[level.index(levels.len())]).map(|(e, _)| e)
                }
                SubflowStep::Dissolve(i) if !subs.is_empty() => f.dissolve_subflow_edit(&subs[i.index(subs.len())]),
                SubflowStep::Remove(i) if !ids.is_empty() => Some(runtime::Edit::RemoveNode(ids[i.index(ids.len())])),
                _ => None,
            };
            let Some(edit) = edit else { continue };
            undo.push(runtime::apply(&mut f, edit).unwrap());
            // saved and loaded: the same file again, without a warning (a subflow whose nodes
            // were all removed is not saved; it comes back with them on undo)
            let saved = file::save(&f);
            let back = file::load(&saved, 1).unwrap();
            prop_assert!(back.warnings.is_empty(), "{:?}", back.warnings);
            prop_assert_eq!(file::save(&back.flow), saved);
            let s = f.subflows();
            for id in f.node_ids() {
                // at its own level a node is itself; at the top it is itself or in a top subflow
                let own = s.subflow_of(id).map(str::to_owned);
                prop_assert_eq!(s.place(id, own.as_deref()), runtime::flow::Place::Itself);
                if let runtime::flow::Place::In(top) = s.place(id, None) {
                    prop_assert!(s.parent(&top).is_none());
                    prop_assert!(f.subflow_members(&top).contains(&id));
                }
            }
            for sub in &subs {
                let _ = f.subflow_ports(sub);
            }
        }
        while let Some(e) = undo.pop() {
            runtime::apply(&mut f, e).unwrap();
        }
        prop_assert_eq!(f, start);
    }
}

/// Found by `./dev fuzz` (the import target): a Python node whose signature cannot be read,
/// wired from an output its code does not declare into a node we do not know. The wire is
/// dropped, and so must be the port added for it, or the saved file gains a port that the next
/// load drops again (a save/load round trip changed the file).
#[test]
fn a_dropped_wire_leaves_no_port_behind_on_a_python_node() {
    let text = include_str!("data/fuzz_undeclared_port_dropped_wire.json");
    let loaded = file::load(text, 3).unwrap();
    assert!(loaded.warnings.iter().any(|w| w.contains("dropped")), "{:?}", loaded.warnings);
    let parse = loaded.flow.nodes().find(|n| n.label == "PARSE LOG").unwrap();
    let outputs: Vec<&str> = parse.spec().outputs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(outputs, ["readings"], "only the output a kept wire uses");
    let saved = file::save(&loaded.flow);
    let again = file::load(&saved, 3).unwrap().flow;
    assert_eq!(file::save(&again), saved, "a second round trip changes nothing");
    exercise(text);
}

/// Found by `./dev fuzz` (the import target): a Python node's parameter whose annotation we do
/// not know (`warm :puint = 300`) is a text parameter with a number as its default; without a
/// value in the file it was saved as the number 300 and read back as the text "300", so a
/// save/load round trip changed the file.
#[test]
fn a_text_parameter_with_a_number_default_round_trips() {
    let text = include_str!("data/fuzz_text_param_number_default.json");
    let loaded = file::load(text, 3).unwrap();
    let node = loaded.flow.nodes().find(|n| n.label == "LOGISTIC MAP").unwrap();
    assert_eq!(node.params.get("warm"), Some(&json!("300")));
    let saved = file::save(&loaded.flow);
    let again = file::load(&saved, 3).unwrap().flow;
    assert_eq!(file::save(&again), saved, "a second round trip changes nothing");
    exercise(text);
}

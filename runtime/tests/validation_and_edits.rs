//! Validation reports every problem at once; every edit has an inverse.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use runtime::flow::{Group, Node, TextNode};
use runtime::validate::{Severity, validate};
use runtime::{Edge, Edit, EditError, InPort, OutPort, WireError, apply, file, nodes};
use serde_json::json;
use support::*;

#[test]
fn every_problem_is_reported_at_once_naming_node_and_port() {
    let text = json!({"rfInstance": {"nodes": [
        {"id": "SCALAR-1", "data": {"func": "SCALAR", "label": "SCALAR"}},
        {"id": "SINE-1", "data": {"func": "SINE", "label": "SINE", "ctrls": {"waveform": {"param": "waveform", "value": "sine"}}}},
        {"id": "LINE-1", "data": {"func": "LINE", "label": "LINE"}},
        {"id": "ADD-1", "data": {"func": "ADD", "label": "ADD"}},
        {"id": "ADD-2", "data": {"func": "ADD", "label": "ADD 2"}},
        {"id": "NOPE-1", "data": {"func": "NOPE", "label": "NOPE"}},
        {"id": "LOOP_INDEX-1", "data": {"func": "LOOP_INDEX", "label": "IDX", "ctrls": {"loop_node": {"param": "loop_node", "value": "LOOP-gone"}}}}
    ], "edges": [
        {"source": "SCALAR-1", "sourceHandle": "default", "target": "SINE-1", "targetHandle": "default"},
        {"source": "ADD-1", "sourceHandle": "default", "target": "ADD-2", "targetHandle": "a"},
        {"source": "ADD-2", "sourceHandle": "default", "target": "ADD-1", "targetHandle": "a"},
        {"source": "SCALAR-1", "sourceHandle": "default", "target": "ADD-1", "targetHandle": "b"}
    ]}});
    let f = file::load_json(&text, 1).unwrap().flow;
    let diags = validate(&f);
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    let has = |s: &str| msgs.iter().any(|m| m.contains(s));
    assert!(has("SINE: input 'default' expects OrderedPair|Vector, SCALAR gives Scalar"), "{msgs:#?}");
    assert!(has("LINE: input 'default' is not connected"), "{msgs:#?}");
    assert!(has("NOPE: unknown node 'NOPE'"), "{msgs:#?}");
    assert!(has("form a cycle"), "{msgs:#?}");
    assert!(has("IDX: 'loop_node' refers to node LOOP-gone"), "{msgs:#?}");
    let wire = diags.iter().find(|d| d.message.starts_with("SINE:")).unwrap();
    assert_eq!(
        (wire.node_key.as_deref(), wire.port.as_deref(), wire.severity),
        (Some("SINE-1"), Some("default"), Severity::Error)
    );
    let dangling = diags.iter().find(|d| d.message.starts_with("IDX:")).unwrap();
    assert_eq!(dangling.severity, Severity::Warning);
}

#[test]
fn a_second_wire_into_a_single_input_is_a_warning_and_the_last_wins() {
    let f = flow(
        &[("A", "SCALAR", json!({"value": 1})), ("B", "SCALAR", json!({"value": 2})), ("T", "BIG_NUMBER", json!({}))],
        &[("A", "default", "T", "default"), ("B", "default", "T", "default")],
    );
    let diags = validate(&f);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(diags[0].message.contains("only the last is used"));
    let r = run(&f);
    let runtime::Value::Plotly { fig } = out(&r, "T", "default") else { panic!() };
    assert_eq!(fig.traces[0].attrs["value"], 2.0);
}

#[test]
fn bad_parameter_values_are_reported() {
    let f = flow(&[("L", "LINSPACE", json!({"step": -5}))], &[]);
    let diags = validate(&f);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "L: 'step' must be at least 0, got -5");
    assert_eq!(diags[0].port.as_deref(), Some("step"));
}

fn sample() -> runtime::Flow {
    gallery("default.json")
}

/// Applies `edit`, then its inverse, and checks the flow is back; then redo gives the edited flow.
fn check_inverse(mut f: runtime::Flow, edit: Edit) {
    let before = f.clone();
    let inverse = apply(&mut f, edit).unwrap();
    let after = f.clone();
    assert_ne!(after, before, "the edit changed nothing");
    let redo = apply(&mut f, inverse).unwrap();
    assert_eq!(f, before, "undo did not restore the flow");
    apply(&mut f, redo).unwrap();
    assert_eq!(f, after, "redo did not re-apply the edit");
}

#[test]
fn every_kind_of_edit_is_undone_by_its_inverse() {
    let f = sample();
    let id = |label: &str| f.find_label(label).unwrap();
    let def = nodes::lookup("SCALAR").unwrap();
    check_inverse(
        f.clone(),
        Edit::AddNode(Box::new(Node::builtin(def, file::node_key("SCALAR", 5), "S".into(), (1.0, 2.0)))),
    );
    check_inverse(f.clone(), Edit::RemoveNode(id("ADD")));
    let e = f.edges_into(id("SCATTER"))[0];
    check_inverse(f.clone(), Edit::Disconnect(e));
    check_inverse(f.clone(), Edit::SetParam { node: id("SINE"), name: "frequency".into(), value: json!(4) });
    check_inverse(f.clone(), Edit::Move { node: id("SINE"), to: (1.0, 1.0) });
    check_inverse(f.clone(), Edit::Resize { node: id("SCATTER"), size: Some((400.0, 300.0)) });
    check_inverse(f.clone(), Edit::Rename { node: id("SINE"), label: "WAVE".into() });
    check_inverse(
        f.clone(),
        Edit::AddText(TextNode { id: "t".into(), text: "hi".into(), position: (0.0, 0.0), size: None }),
    );
    // wiring RAND into SCATTER: a single input already wired, so the old wire is replaced in one step
    let (rand, scatter) = (id("RAND"), id("SCATTER"));
    let connect = f.connect_edit(OutPort { node: rand, port: 0 }, InPort { node: scatter, port: 0 }).unwrap();
    assert!(matches!(&connect, Edit::Batch(v) if v.len() == 2));
    check_inverse(f.clone(), connect);
}

#[test]
fn refused_edits_change_nothing_and_say_why() {
    let mut f = sample();
    let before = f.clone();
    let id = |label: &str| before.find_label(label).unwrap();
    let err = apply(&mut f, Edit::Rename { node: id("SINE"), label: "RAND".into() }).unwrap_err();
    assert_eq!(err.to_string(), "another node is already labelled 'RAND'");
    let err =
        apply(&mut f, Edit::SetParam { node: id("SINE"), name: "frequency".into(), value: json!("fast") }).unwrap_err();
    assert_eq!(err.to_string(), "SINE: 'frequency' must be a number, got \"fast\"");
    // SCATTER's output (Plotly) into SINE (OrderedPair|Vector)
    let bad = Edge { from: OutPort { node: id("SCATTER"), port: 0 }, to: InPort { node: id("SINE"), port: 0 } };
    let err = apply(&mut f, Edit::Connect(bad)).unwrap_err();
    assert_eq!(err.to_string(), "SINE expects OrderedPair|Vector on 'default', SCATTER gives Plotly");
    // ADD → LINSPACE would close a cycle
    let cyc = Edge { from: OutPort { node: id("ADD"), port: 0 }, to: InPort { node: id("LINSPACE"), port: 0 } };
    assert_eq!(apply(&mut f, Edit::Connect(cyc)).unwrap_err(), EditError::Wire(WireError::Cycle));
    // a batch that fails half-way is rolled back
    let batch = Edit::Batch(vec![
        Edit::Move { node: id("SINE"), to: (9.0, 9.0) },
        Edit::Rename { node: id("SINE"), label: "".into() },
    ]);
    assert_eq!(apply(&mut f, batch).unwrap_err(), EditError::EmptyLabel);
    assert_eq!(f, before);
    // a node whose label another node has (a batch built against the flow before it, as the
    // edit fuzzer did: two adds labelled the same): refused, so undo can always rename back
    let def = nodes::lookup("SCALAR").unwrap();
    let add =
        |key: u128| Edit::AddNode(Box::new(Node::builtin(def, file::node_key("SCALAR", key), "S".into(), (0.0, 0.0))));
    let err = apply(&mut f, Edit::Batch(vec![add(1), add(2)])).unwrap_err();
    assert_eq!(err.to_string(), "another node is already labelled 'S'");
    let taken = Edit::AddNode(Box::new(Node::builtin(def, file::node_key("SCALAR", 3), "SINE".into(), (0.0, 0.0))));
    assert_eq!(apply(&mut f, taken).unwrap_err(), EditError::DuplicateLabel("SINE".into()));
    assert_eq!(f, before);
}

fn group_of(f: &runtime::Flow, id: &str, labels: &[&str]) -> Group {
    Group {
        id: id.into(),
        title: "Signal".into(),
        color: "#2fb37a".into(),
        nodes: labels.iter().map(|l| f.node(f.find_label(l).unwrap()).unwrap().key.clone()).collect(),
        collapsed: false,
        kind: Default::default(),
    }
}

#[test]
fn group_edits_are_undone_by_their_inverses_and_refused_with_a_reason() {
    let f = sample();
    let g = group_of(&f, "g1", &["LINSPACE", "SINE"]);
    check_inverse(f.clone(), Edit::AddGroup(g.clone()));
    let mut with = f.clone();
    apply(&mut with, Edit::AddGroup(g.clone())).unwrap();
    check_inverse(with.clone(), Edit::RemoveGroup("g1".into()));
    // with another group after it: undo puts it back first, where it was
    let mut two = with.clone();
    apply(&mut two, Edit::AddGroup(Group { id: "g2".into(), ..g.clone() })).unwrap();
    check_inverse(two.clone(), Edit::RemoveGroup("g1".into()));
    let undo = apply(&mut two, Edit::RemoveGroup("g1".into())).unwrap();
    apply(&mut two, undo).unwrap();
    assert_eq!(two.groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(), ["g1", "g2"]);
    check_inverse(with.clone(), Edit::SetGroup(Group { collapsed: true, title: "Wave".into(), ..g.clone() }));
    let before = with.clone();
    assert_eq!(
        apply(&mut with, Edit::AddGroup(g.clone())).unwrap_err().to_string(),
        "a group with id 'g1' is already on the canvas"
    );
    assert_eq!(
        apply(&mut with, Edit::RemoveGroup("nope".into())).unwrap_err().to_string(),
        "there is no group 'nope' on the canvas"
    );
    assert_eq!(with, before);
    // a node removed from the flow leaves its group; undo brings it back into it
    let sine = with.find_label("SINE").unwrap();
    let undo = apply(&mut with, Edit::RemoveNode(sine)).unwrap();
    assert_eq!(with.group_members(with.group("g1").unwrap()).len(), 1);
    apply(&mut with, undo).unwrap();
    assert_eq!(with.group_members(with.group("g1").unwrap()).len(), 2);
}

#[test]
fn groups_are_saved_where_flojoy_does_not_look_and_load_back() {
    let mut f = sample();
    let g = group_of(&f, "g1", &["LINSPACE", "SINE"]);
    apply(&mut f, Edit::AddGroup(Group { collapsed: true, ..g.clone() })).unwrap();
    let saved = file::to_json(&f);
    // Flojoy reads rfInstance, textNodes and the control lists: the groups are under our key
    assert_eq!(saved["flojoyWeb"]["groups"][0]["nodes"], json!(g.nodes));
    assert_eq!(saved["flojoyWeb"]["groups"][0]["collapsed"], json!(true));
    assert!(saved["rfInstance"]["nodes"].as_array().unwrap().iter().all(|n| n.get("group").is_none()));
    let back = file::load(&file::save(&f), 1).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.flow, f);
    assert_eq!(back.flow.groups.len(), 1);
    assert!(back.flow.extra.get("flojoyWeb").is_none(), "held once, as groups, not also as settings");
    // a node removed before saving is not written into its group; an emptied group is not saved
    let mut g2 = f.clone();
    let sine = g2.find_label("SINE").unwrap();
    apply(&mut g2, Edit::RemoveNode(sine)).unwrap();
    assert_eq!(file::to_json(&g2)["flojoyWeb"]["groups"][0]["nodes"], json!([g.nodes[0].clone()]));
    let linspace = g2.find_label("LINSPACE").unwrap();
    apply(&mut g2, Edit::RemoveNode(linspace)).unwrap();
    assert!(file::to_json(&g2).get("flojoyWeb").and_then(|w| w.get("groups")).is_none());
}

#[test]
fn malformed_groups_in_a_file_are_skipped_with_a_warning() {
    let mut j = file::to_json(&sample());
    let key = j["rfInstance"]["nodes"][0]["id"].clone();
    j["flojoyWeb"] = json!({"live": true, "groups": [
        {"id": "a", "title": "ok", "nodes": [key, "NOT-IN-FILE"], "color": "url(javascript:x)"},
        {"id": "a", "nodes": []},
        {"title": "no id", "nodes": []},
        {"id": "b", "nodes": "SINE"},
        {"id": "c", "nodes": ["NOT-IN-FILE"]}
    ]});
    let loaded = file::load_json(&j, 1).unwrap();
    assert_eq!(
        loaded.warnings,
        [
            "group #2 was skipped: another group has its id",
            "group #3 was skipped: it needs an id and a list of node ids",
            "group #4 was skipped: it needs an id and a list of node ids",
            "group #5 was skipped: none of its nodes is in the file"
        ]
    );
    let g = &loaded.flow.groups[0];
    assert_eq!((g.nodes.len(), g.color.as_str()), (1, runtime::flow::GROUP_COLORS[0]));
    assert_eq!(loaded.flow.extra["flojoyWeb"], json!({"live": true}), "other settings stay");
    j["flojoyWeb"] = json!({"groups": {"id": "x"}});
    assert_eq!(file::load_json(&j, 1).unwrap().warnings, ["the groups were skipped: 'flojoyWeb.groups' is not a list"]);
}

#[test]
fn running_a_group_runs_it_and_what_feeds_it() {
    // default.json: LINSPACE → SINE → ADD ← RAND; ADD → SCATTER
    let f = sample();
    let id = |l: &str| f.find_label(l).unwrap();
    let sub = f.with_upstream(&[id("SINE")]);
    let mut labels: Vec<&str> = sub.nodes().map(|n| n.label.as_str()).collect();
    labels.sort();
    assert_eq!(labels, ["LINSPACE", "SINE"]);
    assert_eq!(
        sub.node(id("SINE")).unwrap().key,
        f.node(id("SINE")).unwrap().key,
        "same ids: results land on the nodes"
    );
    // everything but HISTOGRAM, which SCATTER does not need
    let all = f.with_upstream(&[id("SCATTER")]);
    assert_eq!((all.len(), all.node(id("HISTOGRAM")).is_none()), (f.len() - 1, true));
    // a node reference is upstream too: LOOP_INDEX needs its LOOP, wired or not
    let mut l = flow(&[("LOOP", "LOOP", json!({})), ("IDX", "LOOP_INDEX", json!({})), ("X", "SCALAR", json!({}))], &[]);
    let (lp, idx) = (l.find_label("LOOP").unwrap(), l.find_label("IDX").unwrap());
    let key = l.node(lp).unwrap().key.clone();
    apply(&mut l, Edit::SetParam { node: idx, name: "loop_node".into(), value: json!(key) }).unwrap();
    let sub = l.with_upstream(&[idx]);
    assert_eq!((sub.len(), sub.node(lp).is_some()), (2, true));
}

#[test]
fn reroute_points_undo_save_and_load_with_their_wire() {
    let mut f = sample();
    let e = f.edges_into(f.find_label("SCATTER").unwrap())[0];
    let wire = f.wire_key(e).unwrap();
    assert_eq!((wire.source_port.as_str(), wire.target_port.as_str()), ("default", "default"));
    let points = vec![(10.0, 20.0), (30.5, -4.0)];
    check_inverse(f.clone(), Edit::SetReroute { wire: wire.clone(), points: points.clone() });
    apply(&mut f, Edit::SetReroute { wire: wire.clone(), points: points.clone() }).unwrap();
    assert_eq!(f.reroute_points(e), points.as_slice());
    check_inverse(f.clone(), Edit::SetReroute { wire: wire.clone(), points: vec![] });
    check_inverse(f.clone(), Edit::SetReroute { wire: wire.clone(), points: vec![(1.0, 1.0)] });
    let saved = file::to_json(&f);
    assert_eq!(saved["flojoyWeb"]["reroutes"][0]["points"], json!([[10.0, 20.0], [30.5, -4.0]]));
    assert_eq!(saved["flojoyWeb"]["reroutes"][0]["target"], json!(wire.target));
    let back = file::load(&file::save(&f), 1).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.flow, f);
    // the wire removed: its points are not drawn nor saved, and come back with it on undo
    let undo = apply(&mut f, Edit::Disconnect(e)).unwrap();
    assert!(f.reroute_points(e).is_empty());
    assert!(file::to_json(&f).get("flojoyWeb").is_none());
    apply(&mut f, undo).unwrap();
    assert_eq!(f.reroute_points(e), points.as_slice());
}

#[test]
fn malformed_reroutes_in_a_file_are_skipped_with_a_warning() {
    let f = sample();
    let e = f.edges_into(f.find_label("SCATTER").unwrap())[0];
    let w = f.wire_key(e).unwrap();
    let mut j = file::to_json(&f);
    let good = json!({"source": w.source, "sourceHandle": w.source_port, "target": w.target, "targetHandle": w.target_port, "points": [[1, 2]]});
    let mut twice = good.clone();
    twice["points"] = json!([[5, 5]]);
    let mut elsewhere = good.clone();
    elsewhere["targetHandle"] = json!("nope");
    let mut bad_point = good.clone();
    bad_point["points"] = json!([[1, "x"]]);
    j["flojoyWeb"] = json!({"reroutes": [good, twice, elsewhere, bad_point]});
    let loaded = file::load_json(&j, 1).unwrap();
    assert_eq!(
        loaded.warnings,
        [
            "reroute #2 was skipped: its wire already has points",
            "reroute #3 was skipped: the file has no such wire",
            "reroute #4 was skipped: it needs source, sourceHandle, target, targetHandle and points [[x, y], …]"
        ]
    );
    assert_eq!(loaded.flow.reroute_points(loaded.flow.wire_of(&w).unwrap()), [(1.0, 2.0)]);
}

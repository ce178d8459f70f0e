//! Reading Flojoy flow files of every generation (REFERENCE §4.1–4.2):
//! - 2022: `{rfInstance:{elements:[nodes…, edges…]}, ctrlsManifest}` with untyped wires;
//! - mid-2023: `{rfInstance:{nodes,edges,viewport}, ctrlsManifest}`;
//! - 2024 Studio: `{name, rfInstance:{nodes,edges}, textNodes, controlNodes, …}`.
//!
//! Like Flojoy's `syncFlowchartWithManifest`, parameters are merged by name into the current
//! spec and unknown nodes are kept (as invalid nodes that block Run). Unlike Flojoy, a value
//! that our spec cannot read is reset with a warning instead of silently, and nothing in a
//! malformed file can panic: every field is optional until proven otherwise.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::{FileError, IdSource, node_key};
use crate::flow::{
    Dashboard, Edge, Flow, Group, InPort, Node, NodeId, NodeKind, OutPort, PythonNode, Reroute, TextNode,
};
use crate::nodes;
use crate::param;
use crate::python::signature;
use crate::spec::{NodeSpec, ParamKind, ParamSpec, PortSpec};
use crate::value::TypeSet;

/// A flow read from a file, with what had to be adjusted on the way.
#[derive(Debug)]
pub struct Loaded {
    pub flow: Flow,
    /// Things the user should know (a parameter reset, a wire dropped), one sentence each.
    pub warnings: Vec<String>,
}

/// Parses file text. `seed` makes ids for nodes that lack one.
pub fn load(text: &str, seed: u64) -> Result<Loaded, FileError> {
    let json: Json = serde_json::from_str(text).map_err(|e| FileError::NotJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line").next().unwrap_or_default().to_owned(),
    })?;
    load_json(&json, seed)
}

/// Reads an already parsed file.
pub fn load_json(json: &Json, seed: u64) -> Result<Loaded, FileError> {
    let root = json.as_object().ok_or_else(|| FileError::NotAFlow("the top level must be an object".into()))?;
    let rf = match root.get("rfInstance") {
        Some(Json::Object(rf)) => rf,
        Some(_) => return Err(FileError::NotAFlow("'rfInstance' must be an object".into())),
        // a bare {nodes, edges} (a pasted snippet) is accepted too
        None if root.contains_key("nodes") => root,
        None => {
            return Err(FileError::NotAFlow("it has no 'rfInstance' with nodes".into()));
        }
    };
    let mut r = Reader {
        flow: Flow::new(),
        warnings: Vec::new(),
        ids: IdSource::new(seed),
        legacy: false,
        in_file: HashSet::new(),
    };
    let (nodes, edges): (Vec<&Json>, Vec<&Json>) = match (rf.get("elements"), rf.get("nodes")) {
        (Some(Json::Array(elements)), _) => {
            r.legacy = true;
            elements.iter().partition(|e| e.get("source").is_none())
        }
        (_, Some(Json::Array(nodes))) => {
            let edges = match rf.get("edges") {
                Some(Json::Array(e)) => e.iter().collect(),
                None | Some(Json::Null) => Vec::new(),
                Some(_) => return Err(FileError::NotAFlow("'edges' must be a list".into())),
            };
            (nodes.iter().collect(), edges)
        }
        _ => {
            return Err(FileError::NotAFlow("'rfInstance' has neither 'nodes' nor 'elements' as a list".into()));
        }
    };
    r.in_file = nodes.iter().filter_map(|n| str_of(n, "id")).map(str::to_owned).collect();
    let mut by_file_id: HashMap<String, NodeId> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        match r.node(n) {
            Ok((file_id, id)) => {
                by_file_id.insert(file_id, id);
            }
            Err(why) => r.warnings.push(format!("node #{} was skipped: {why}", i + 1)),
        }
    }
    r.fill_legacy_ports(&edges, &by_file_id);
    let mut legacy_slots: HashMap<NodeId, u16> = HashMap::new();
    for (i, e) in edges.iter().enumerate() {
        if let Err(why) = r.edge(e, &by_file_id, &mut legacy_slots) {
            r.warnings.push(format!("wire #{} was dropped: {why}", i + 1));
        }
    }
    r.flow.name = root.get("name").and_then(Json::as_str).map(str::to_owned);
    r.flow.texts = root
        .get("textNodes")
        .and_then(Json::as_array)
        .map(|t| t.iter().filter_map(text_node).collect())
        .unwrap_or_default();
    let list = |k: &str| root.get(k).and_then(Json::as_array).cloned().unwrap_or_default();
    r.flow.dashboard = Dashboard {
        controls: list("controlNodes"),
        visualizations: list("controlVisualizationNodes"),
        texts: list("controlTextNodes"),
    };
    // other top-level keys (the mid-2023 ctrlsManifest, our own settings) are kept as they are
    const KNOWN: &[&str] =
        &["name", "rfInstance", "textNodes", "controlNodes", "controlVisualizationNodes", "controlTextNodes"];
    r.flow.extra =
        root.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    r.groups();
    r.reroutes();
    Ok(Loaded { flow: r.flow, warnings: r.warnings })
}

struct Reader {
    flow: Flow,
    warnings: Vec<String>,
    ids: IdSource,
    legacy: bool,
    /// Every node id the file gives: a new id must be none of them.
    in_file: HashSet<String>,
}

impl Reader {
    /// One of our settings, taken out of `flojoyWeb` (which goes when nothing else is left).
    fn take_setting(&mut self, name: &str) -> Option<Json> {
        let web = self.flow.extra.get_mut("flojoyWeb").and_then(Json::as_object_mut)?;
        let v = web.remove(name)?;
        if web.is_empty() {
            self.flow.extra.remove("flojoyWeb");
        }
        Some(v)
    }

    /// The points wires are drawn through (`flojoyWeb.reroutes`): a malformed entry, or one for
    /// a wire the file does not have, is skipped with a warning.
    fn reroutes(&mut self) {
        let Some(list) = self.take_setting("reroutes") else { return };
        let Some(list) = list.as_array() else {
            self.warnings.push("the reroute points were skipped: 'flojoyWeb.reroutes' is not a list".into());
            return;
        };
        for (i, j) in list.iter().enumerate() {
            match Reroute::from_json(j) {
                Some(r) if self.flow.wire_of(&r.wire).is_none() => {
                    self.warnings.push(format!("reroute #{} was skipped: the file has no such wire", i + 1));
                }
                Some(r) if self.flow.reroutes.iter().any(|x| x.wire == r.wire) => {
                    self.warnings.push(format!("reroute #{} was skipped: its wire already has points", i + 1));
                }
                Some(r) if !r.points.is_empty() => self.flow.reroutes.push(r),
                Some(_) => {}
                None => self.warnings.push(format!(
                    "reroute #{} was skipped: it needs source, sourceHandle, target, targetHandle and points [[x, y], …]",
                    i + 1
                )),
            }
        }
    }

    /// Our groups, out of the `flojoyWeb` settings (which keep the rest): a malformed one is
    /// skipped with a warning; a node key a group names but the file lacks is dropped.
    fn groups(&mut self) {
        let Some(list) = self.take_setting("groups") else { return };
        let Some(list) = list.as_array() else {
            self.warnings.push("the groups were skipped: 'flojoyWeb.groups' is not a list".into());
            return;
        };
        for (i, j) in list.iter().enumerate() {
            match Group::from_json(j) {
                Some(g) if self.flow.group(&g.id).is_some() => {
                    self.warnings.push(format!("group #{} was skipped: another group has its id", i + 1));
                }
                Some(mut g) => {
                    g.nodes.retain(|k| self.flow.find_key(k).is_some());
                    // a subflow may hold only subflows: an empty one goes below
                    if g.nodes.is_empty() && !g.is_subflow() {
                        self.warnings.push(format!("group #{} was skipped: none of its nodes is in the file", i + 1));
                    } else {
                        self.flow.groups.push(g);
                    }
                }
                None => {
                    self.warnings.push(format!("group #{} was skipped: it needs an id and a list of node ids", i + 1))
                }
            }
        }
        let mended = self.flow.mend_subflows();
        self.warnings.extend(mended);
    }

    /// A new id for a node of `func`: one that neither the flow nor the file has (a generated
    /// id that a later node of the file carries would make that node a "duplicate", and a saved
    /// file would load back with other ids; found by ./dev fuzz).
    fn fresh_key(&mut self, func: &str) -> String {
        loop {
            let key = node_key(func, self.ids.next_id());
            if !self.in_file.contains(&key) && self.flow.find_key(&key).is_none() {
                return key;
            }
        }
    }
}

fn str_of<'a>(j: &'a Json, key: &str) -> Option<&'a str> {
    j.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
}

fn point(j: Option<&Json>) -> Option<(f64, f64)> {
    let j = j?;
    Some((j.get("x")?.as_f64()?, j.get("y")?.as_f64()?))
}

fn text_node(j: &Json) -> Option<TextNode> {
    Some(TextNode {
        id: str_of(j, "id")?.to_owned(),
        text: j.get("data").and_then(|d| str_of(d, "text")).unwrap_or_default().to_owned(),
        position: point(j.get("position")).unwrap_or((0.0, 0.0)),
        size: j.get("width").and_then(Json::as_f64).zip(j.get("height").and_then(Json::as_f64)),
    })
}

impl Reader {
    /// Reads one node; returns (id in the file, id in the flow).
    fn node(&mut self, n: &Json) -> Result<(String, NodeId), String> {
        let data = n.get("data").cloned().unwrap_or(Json::Object(Map::new()));
        if !data.is_object() {
            return Err("its 'data' is not an object".into());
        }
        let file_id = str_of(n, "id").map(str::to_owned);
        let label_in_file = str_of(&data, "label").map(str::to_owned);
        // func: data.func (2023+), else the id's prefix (2022: `SINE-userGeneratedNode_…`)
        let mut func = str_of(&data, "func")
            .map(str::to_owned)
            .or_else(|| file_id.as_deref().and_then(|id| id.split('-').next()).map(str::to_owned))
            .or_else(|| label_in_file.clone())
            .ok_or("it has no 'func', id or label")?;
        let mut numeric_constant = None;
        // 2022: a node whose name is a number is a CONSTANT of that value
        if let Ok(v) = func.parse::<f64>() {
            numeric_constant = Some(v);
            func = "CONSTANT".into();
        }
        let code = str_of(&data, "code").map(str::to_owned);
        let ctrls = data.get("ctrls").and_then(Json::as_object).cloned().unwrap_or_default();
        let kind = match (&code, nodes::lookup(&func)) {
            (Some(code), _) => NodeKind::Python(Arc::new(PythonNode {
                code: code.clone(),
                spec: self.python_spec(&func, code, &data, &ctrls, label_in_file.as_deref()),
            })),
            (None, Some(def)) => NodeKind::Builtin(def),
            (None, None) => NodeKind::Unknown(Arc::new(unknown_spec(&func, &data, &ctrls))),
        };
        let spec = match &kind {
            NodeKind::Builtin(d) => &d.spec,
            NodeKind::Python(p) => &p.spec,
            NodeKind::Unknown(s) => &**s,
        };
        // a default in the form its values take, as a saved file reads back: a Python signature
        // may give `x: SomeAlias = 300` (a text parameter whose default is the number 300, read
        // back as "300"), a file `"default": 10` for a float (read back as 10.0; found by ./dev
        // fuzz); a default that does not read stays as it is
        let default = |p: &ParamSpec| match &p.default {
            Json::Null => Json::Null,
            d => param::normalize(p, d).unwrap_or_else(|_| d.clone()),
        };
        let mut params: Map<String, Json> = spec.params.iter().map(|p| (p.name.clone(), default(p))).collect();
        let label = label_in_file.clone().unwrap_or_else(|| func.replace('_', " "));
        let mut read = HashSet::new();
        for (key, ctrl) in &ctrls {
            // 2022 keys look like SINE_WAVEFORM with the real name in `param`
            let name = str_of(ctrl, "param").unwrap_or(key);
            if !read.insert(name) {
                self.warnings.push(format!("{label}: parameter '{name}' appears twice; the first is kept"));
                continue;
            }
            let Some(value) = ctrl.get("value") else {
                continue;
            };
            match spec.param_spec(name) {
                // a value our spec cannot read is kept as it is: validation names it and Run
                // waits until it is fixed, rather than silently running with the default
                Some(p) => {
                    params.insert(name.to_owned(), param::normalize(p, value).unwrap_or_else(|_| value.clone()));
                }
                None => self.warnings.push(format!("{label}: parameter '{name}' no longer exists and was dropped")),
            }
        }
        if let Some(c) = numeric_constant {
            params.insert("constant".into(), Json::from(c));
        }
        let key = match file_id {
            Some(id) if self.flow.find_key(&id).is_none() => id,
            Some(id) => {
                let fresh = self.fresh_key(&func);
                self.warnings.push(format!("{label}: id {id} appears twice; the second copy was given {fresh}"));
                fresh
            }
            None => self.fresh_key(&func),
        };
        let label = if self.flow.find_label(&label).is_some() { self.flow.unique_label(&func) } else { label };
        let size = n.get("width").and_then(Json::as_f64).zip(n.get("height").and_then(Json::as_f64));
        let node = Node {
            id: NodeId(u32::MAX),
            key: key.clone(),
            label,
            kind,
            params,
            position: point(n.get("position")).unwrap_or((0.0, 0.0)),
            size,
        };
        let file_key = str_of(n, "id").map(str::to_owned).unwrap_or(key);
        Ok((file_key, self.flow.insert_node(node)))
    }

    /// A Python node's spec, read from its code (as the editor's Save reads it in Pyodide):
    /// files often carry only `data.code`, and the code is what runs. Code whose signature
    /// cannot be read keeps the ports and parameters the file gives, with a warning.
    fn python_spec(
        &mut self,
        func: &str,
        code: &str,
        data: &Json,
        ctrls: &Map<String, Json>,
        label: Option<&str>,
    ) -> NodeSpec {
        match signature::read(code, Some(func)) {
            Ok(m) => {
                // the code gives the ports; the file's palette path (HARDWARE/… for an
                // instrument block) still says what the node reaches
                let mut spec = m.to_node_spec();
                let path = palette_path(data);
                if !path.is_empty() {
                    spec.path = path;
                }
                spec
            }
            Err(e) => {
                self.warnings.push(format!(
                    "{}: {e}; it keeps the ports the file gives",
                    label.map_or_else(|| func.replace('_', " "), str::to_owned)
                ));
                spec_from_file(func, data, ctrls)
            }
        }
    }

    /// 2022 unknown nodes carry no ports: give them what their wires need.
    fn fill_legacy_ports(&mut self, edges: &[&Json], by_file_id: &HashMap<String, NodeId>) {
        if !self.legacy {
            return;
        }
        for e in edges {
            for (end, is_target) in [("source", false), ("target", true)] {
                let Some(id) = str_of(e, end).and_then(|k| by_file_id.get(k)) else {
                    continue;
                };
                let Some(node) = self.flow.node_mut(*id) else {
                    continue;
                };
                if let NodeKind::Unknown(spec) = &mut node.kind {
                    let spec = Arc::make_mut(spec);
                    let ports = if is_target { &mut spec.inputs } else { &mut spec.outputs };
                    if ports.is_empty() {
                        ports.push(PortSpec {
                            name: "default".into(),
                            types: TypeSet::ANY,
                            multiple: is_target,
                            optional: true,
                            doc: String::new(),
                        });
                    }
                }
            }
        }
    }

    fn edge(
        &mut self,
        e: &Json,
        by_file_id: &HashMap<String, NodeId>,
        legacy_slots: &mut HashMap<NodeId, u16>,
    ) -> Result<(), String> {
        let src_key = str_of(e, "source").ok_or("it has no source")?;
        let dst_key = str_of(e, "target").ok_or("it has no target")?;
        let src = *by_file_id.get(src_key).ok_or_else(|| format!("its source {src_key} is not in the file"))?;
        let dst = *by_file_id.get(dst_key).ok_or_else(|| format!("its target {dst_key} is not in the file"))?;
        // a wire into (or out of) a port a Python node's code does not declare is kept, on a
        // port added for it, so that validation names it and the file loses nothing; if the
        // wire cannot be kept after all, neither are the ports added for it
        let ends = [(src, str_of(e, "sourceHandle"), false), (dst, str_of(e, "targetHandle"), true)];
        let added: Vec<_> = ends
            .into_iter()
            .filter_map(|(id, handle, is_input)| {
                let h = handle?;
                self.keep_undeclared_port(id, h, is_input).then_some((id, h, is_input))
            })
            .collect();
        let wired = self.wire(e, src, dst, legacy_slots);
        if wired.is_err() {
            for (id, h, is_input) in added {
                self.forget_undeclared_port(id, h, is_input);
            }
        }
        wired
    }

    /// The wire `e` from `src` to `dst`, once each end's port exists.
    fn wire(
        &mut self,
        e: &Json,
        src: NodeId,
        dst: NodeId,
        legacy_slots: &mut HashMap<NodeId, u16>,
    ) -> Result<(), String> {
        let (a, b) = (self.flow.node(src).ok_or("missing source")?, self.flow.node(dst).ok_or("missing target")?);
        let (sa, sb) = (a.spec(), b.spec());
        let out = match str_of(e, "sourceHandle") {
            Some(h) => sa.output_index(h).or_else(|| (sa.outputs.len() == 1).then_some(0)),
            None => (!sa.outputs.is_empty()).then_some(0),
        }
        .ok_or_else(|| format!("{} has no output '{}'", a.label, str_of(e, "sourceHandle").unwrap_or("default")))?;
        let inp = match str_of(e, "targetHandle") {
            Some(h) => sb.input_index(h).or_else(|| (sb.inputs.len() == 1).then_some(0)),
            // 2022: untyped wires fill the inputs in order; the last (a `list[...]` one) takes the rest
            None => {
                let slot = legacy_slots.entry(dst).or_insert(0);
                let i = usize::from(*slot).min(sb.inputs.len().saturating_sub(1));
                *slot = slot.saturating_add(1);
                (!sb.inputs.is_empty()).then_some(i)
            }
        }
        .ok_or_else(|| format!("{} has no input '{}'", b.label, str_of(e, "targetHandle").unwrap_or("default")))?;
        let edge = Edge {
            from: OutPort { node: src, port: u16::try_from(out).map_err(|_| "port index too large")? },
            to: InPort { node: dst, port: u16::try_from(inp).map_err(|_| "port index too large")? },
        };
        self.flow.insert_edge(edge);
        Ok(())
    }
}

impl Reader {
    /// Adds the port `handle` to Python node `id` when its code does not declare it; says
    /// whether it did.
    fn keep_undeclared_port(&mut self, id: NodeId, handle: &str, is_input: bool) -> bool {
        let Some(node) = self.flow.node_mut(id) else { return false };
        let NodeKind::Python(p) = &mut node.kind else { return false };
        let ports = if is_input { &p.spec.inputs } else { &p.spec.outputs };
        if ports.iter().any(|q| q.name == handle) {
            return false;
        }
        let spec = &mut Arc::make_mut(p).spec;
        let ports = if is_input { &mut spec.inputs } else { &mut spec.outputs };
        ports.push(PortSpec {
            name: handle.to_owned(),
            types: TypeSet::ANY,
            multiple: false,
            optional: true,
            doc: "not declared by the node's code".into(),
        });
        true
    }

    /// Takes back a port [`Reader::keep_undeclared_port`] added.
    fn forget_undeclared_port(&mut self, id: NodeId, handle: &str, is_input: bool) {
        let Some(node) = self.flow.node_mut(id) else { return };
        let NodeKind::Python(p) = &mut node.kind else { return };
        let spec = &mut Arc::make_mut(p).spec;
        let ports = if is_input { &mut spec.inputs } else { &mut spec.outputs };
        ports.retain(|q| q.name != handle);
    }
}

/// The spec a file gives a node we do not have built in (Python or unknown): ports from its
/// `inputs`/`outputs`, parameters from its `ctrls`.
fn spec_from_file(func: &str, data: &Json, ctrls: &Map<String, Json>) -> NodeSpec {
    let ports = |key: &str, is_input: bool| -> Vec<PortSpec> {
        data.get(key)
            .and_then(Json::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        let name = str_of(p, "id").or_else(|| str_of(p, "name"))?.to_owned();
                        Some(PortSpec {
                            name,
                            types: str_of(p, "type").map_or(TypeSet::ANY, TypeSet::parse),
                            multiple: is_input && p.get("multiple").and_then(Json::as_bool).unwrap_or(false),
                            optional: is_input,
                            doc: str_of(p, "desc").unwrap_or_default().to_owned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    // one parameter per name: a file may name one twice (`param` of two ctrls); the first is
    // kept, as the values below keep the first (found by ./dev fuzz: two specs of one name
    // made a saved file load back differently)
    let mut names = HashSet::new();
    let params = ctrls
        .iter()
        .filter(|(key, c)| names.insert(str_of(c, "param").unwrap_or(key)))
        .map(|(key, c)| {
            let options = c
                .get("options")
                .and_then(Json::as_array)
                .map(|o| o.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned)).collect());
            let kind = ParamKind::from_flojoy_type(str_of(c, "type").unwrap_or("str"), options);
            ParamSpec {
                name: str_of(c, "param").unwrap_or(key).to_owned(),
                kind,
                default: c.get("default").cloned().unwrap_or(Json::Null),
                doc: str_of(c, "desc").unwrap_or_default().to_owned(),
                shown_when: None,
            }
        })
        .collect();
    let mut spec = NodeSpec::new(func, str_of(data, "type").unwrap_or("PYTHON"), "");
    spec.path = palette_path(data);
    spec.doc = format!("{func} (from the file)");
    spec.inputs = ports("inputs", true);
    spec.outputs = ports("outputs", false);
    spec.params = params;
    spec
}

/// A node this app does not have, as the file describes it; a Studio instrument block that
/// needs its vendor's driver says so on the node.
fn unknown_spec(func: &str, data: &Json, ctrls: &Map<String, Json>) -> NodeSpec {
    let mut spec = spec_from_file(func, data, ctrls);
    if let Some(reason) = crate::nodes::hardware::needs_driver(str_of(data, "path").unwrap_or_default()) {
        spec.availability = crate::spec::Availability::Unavailable { reason };
    }
    spec
}

/// The palette folder of a node's `data.path`: `DSP/FFT/FFT.py` → `DSP` (export adds
/// `FFT/FFT.py` back); empty when the file gives none.
fn palette_path(data: &Json) -> String {
    let path = str_of(data, "path").unwrap_or_default();
    path.rsplitn(3, '/').nth(2).unwrap_or_default().to_owned()
}

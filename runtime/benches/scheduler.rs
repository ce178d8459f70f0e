//! Scheduler overhead per node (goal ≤ 2 µs natively) on a 1,000-node chain and a 1,000-node
//! fan-out, and the import of a 1,000-node file. Nodes are trivial (ADD of one Scalar), so
//! the time measured is the scheduler's own.

use std::hint::black_box;
use std::rc::Rc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use runtime::flow::Node;
use runtime::host::{Host, NativeHost};
use runtime::schedule::{self, Cache, CancelToken, RunOptions, RunStatus};
use runtime::{Edge, Edit, Flow, InPort, OutPort, apply, file, nodes};

const N: usize = 1000;

fn add(f: &mut Flow, func: &str, i: usize) -> runtime::NodeId {
    let def = nodes::lookup(func).expect("built in");
    let key = file::node_key(func, i as u128);
    apply(
        f,
        Edit::AddNode(Box::new(Node::builtin(
            def,
            key.clone(),
            format!("{func} {i}"),
            ((i % 40) as f64 * 220.0, (i / 40) as f64 * 120.0),
        ))),
    )
    .expect("add");
    f.find_key(&key).expect("added")
}

fn wire(f: &mut Flow, a: runtime::NodeId, b: runtime::NodeId) {
    apply(f, Edit::Connect(Edge { from: OutPort { node: a, port: 0 }, to: InPort { node: b, port: 0 } }))
        .expect("wire");
}

/// SCALAR → ADD → ADD → … (N nodes).
pub fn chain() -> Flow {
    let mut f = Flow::new();
    let mut prev = add(&mut f, "SCALAR", 0);
    for i in 1..N {
        let n = add(&mut f, "ADD", i);
        wire(&mut f, prev, n);
        prev = n;
    }
    f
}

/// SCALAR → N−1 ADD nodes.
pub fn fan_out() -> Flow {
    let mut f = Flow::new();
    let root = add(&mut f, "SCALAR", 0);
    for i in 1..N {
        let n = add(&mut f, "ADD", i);
        wire(&mut f, root, n);
    }
    f
}

fn run(f: &Flow, host: &Rc<dyn Host>) {
    let r = futures::executor::block_on(schedule::run(
        f,
        host.clone(),
        &RunOptions::default(),
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |e| {
            black_box(e);
        },
    ));
    assert_eq!(r.status, RunStatus::Ok);
}

fn benches(c: &mut Criterion) {
    let host: Rc<dyn Host> = Rc::new(NativeHost::seeded(1));
    let mut g = c.benchmark_group("scheduler");
    g.throughput(Throughput::Elements(N as u64));
    let (ch, fan) = (chain(), fan_out());
    g.bench_function("chain_1000_nodes", |b| b.iter(|| run(&ch, &host)));
    g.bench_function("fan_out_1000_nodes", |b| b.iter(|| run(&fan, &host)));
    g.finish();
    let text = file::save(&ch);
    let mut g = c.benchmark_group("file");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("import_1000_nodes", |b| b.iter(|| file::load(black_box(&text), 1).expect("loads")));
    g.bench_function("export_1000_nodes", |b| b.iter(|| file::save(black_box(&ch))));
    g.finish();
}

criterion_group!(scheduler, benches);
criterion_main!(scheduler);

//! `flojoy sweep --dask`: a real Dask scheduler and two workers on loopback (PyPI's
//! `distributed`, installed by ./dev from tests/requirements.txt). One worker is killed
//! mid-sweep: every set still gives exactly one row, equal to a single `flojoy run --set`.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::collections::HashSet;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};

use serde_json::Value as Json;

/// A process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn python_module(module: &str, args: &[&str]) -> Running {
    Running(
        Command::new("python3")
            .args(["-m", module])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with distributed (./dev installs tests/requirements.txt)"),
    )
}

fn rows(path: &std::path::Path) -> Vec<Json> {
    std::fs::read_to_string(path).unwrap_or_default().lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

#[test]
fn a_sweep_on_a_dask_cluster_survives_a_worker_that_dies() {
    let (port, w1_port, w2_port) = (free_port(), free_port(), free_port());
    let scheduler = format!("tcp://127.0.0.1:{port}");
    let _scheduler = python_module(
        "distributed.cli.dask_scheduler",
        &["--host", "127.0.0.1", "--port", &port.to_string(), "--dashboard-address", ":0"],
    );
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::yield_now();
    }
    let worker = |name: &str, p: u16| {
        python_module(
            "distributed.cli.dask_worker",
            &[
                &scheduler,
                "--name",
                name,
                "--nthreads",
                "1",
                "--no-nanny",
                "--worker-port",
                &p.to_string(),
                "--host",
                "127.0.0.1",
                "--dashboard-address",
                ":0",
            ],
        )
    };
    let mut w1 = worker("w1", w1_port);
    let _w2 = worker("w2", w2_port);
    let ready = Command::new("python3")
        .args([
            "-c",
            &format!(
                "from distributed import Client; Client('{scheduler}', timeout=60).wait_for_workers(2, timeout=60)"
            ),
        ])
        .status()
        .unwrap();
    assert!(ready.success(), "two workers joined");

    let dir = std::env::temp_dir().join(format!("flojoy-dask-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("runs.jsonl");
    let flow = support::apps().join("gallery/fft.json").display().to_string();
    let mut sweep = Running(
        Command::new(env!("CARGO_BIN_EXE_flojoy"))
            .args(["sweep", &flow, "--set", "SINE.frequency=1:50:50", "--outputs", "FFT", "--seed", "3"])
            .args(["--dask", &scheduler, "--out", out.to_str().unwrap()])
            .spawn()
            .unwrap(),
    );
    // as soon as w1 has finished a run, kill it (SIGKILL: no goodbye to the scheduler)
    let w1_address = format!("tcp://127.0.0.1:{w1_port}");
    let at_kill = loop {
        let so_far = rows(&out);
        if so_far.iter().any(|r| r["worker"] == w1_address.as_str()) {
            break so_far.len();
        }
        std::thread::yield_now();
    };
    w1.0.kill().unwrap();
    let status = sweep.0.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(at_kill < 50, "w1 died mid-sweep ({at_kill} rows written then)");

    let rows = rows(&out);
    assert_eq!(rows.len(), 50, "one row per set");
    let sets: HashSet<String> = rows.iter().map(|r| r["params"].to_string()).collect();
    assert_eq!(sets.len(), 50, "each set once");
    let workers: HashSet<&str> = rows.iter().map(|r| r["worker"].as_str().unwrap()).collect();
    assert_eq!(workers, HashSet::from([w1_address.as_str(), format!("tcp://127.0.0.1:{w2_port}").as_str()]));
    for r in &rows {
        assert_eq!(r["status"], "ok", "{}", r["error"]);
        let f = r["params"]["SINE.frequency"].as_f64().unwrap();
        let single = Command::new(env!("CARGO_BIN_EXE_flojoy"))
            .args(["run", &flow, "--json", "--seed", "3", "--set", &format!("SINE.frequency={f}")])
            .output()
            .unwrap();
        let single: Json = serde_json::from_slice(&single.stdout).unwrap();
        let fft = single["nodes"].as_object().unwrap().values().find(|n| n["label"] == "FFT").unwrap();
        assert_eq!(r["outputs"]["FFT"], fft["outputs"]["default"], "frequency {f}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dask_local_starts_its_own_cluster_and_a_bad_address_says_so() {
    let dir = std::env::temp_dir().join(format!("flojoy-dask-local-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("runs.jsonl");
    let flow = support::apps().join("gallery/default.json").display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .args(["sweep", &flow, "--set", "SINE.frequency=1:4:4", "--set", "LINSPACE.step=1000,5", "--outputs", "ADD"])
        .args(["--dask", "local:2", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    // LINSPACE.step=5 makes ADD fail (5 points + RAND's 1000): failed rows, as locally
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = rows(&out);
    assert_eq!(rows.len(), 8);
    assert_eq!(rows.iter().map(|r| r["params"].to_string()).collect::<HashSet<_>>().len(), 8);
    for r in &rows {
        let ok = r["params"]["LINSPACE.step"] == 1000.0;
        assert_eq!(r["status"], if ok { "ok" } else { "failed" }, "{r}");
        assert!(r["worker"].as_str().unwrap().starts_with("tcp://127.0.0.1:"));
        if !ok {
            assert!(r["error"].as_str().unwrap().starts_with("ADD: operands could not be broadcast"));
        }
    }
    let o = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .args(["sweep", &flow, "--set", "SINE.frequency=1,2", "--dask", "local:zero"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("local:N needs a number"));
    std::fs::remove_dir_all(&dir).unwrap();
}

//! `flojoy sweep --dask ADDRESS|local:N`: the sets go to a Dask cluster as one task each, through
//! `dask_driver.py` (run by the machine's Python, which needs `distributed`); its rows come back
//! on its standard output and are written as the local ones are.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use runtime::sweep;
use serde_json::{Value as Json, json};

use super::sweep::{Plan, RowSink};

const DRIVER: &str = include_str!("dask_driver.py");

pub fn run(
    address: &str,
    plan: &Plan,
    flow_path: &str,
    todo: &[(usize, Vec<(String, String)>)],
    stopped: &Arc<AtomicBool>,
    rows_out: &mut RowSink,
) -> Result<(usize, usize), String> {
    if let Some(n) = address.strip_prefix("local:")
        && n.parse::<usize>().ok().filter(|&n| n > 0).is_none()
    {
        return Err("local:N needs a number of worker processes above 0".into());
    }
    let runner = std::env::current_exe().map_err(|e| format!("cannot find this runner: {e}"))?;
    let flow = std::fs::canonicalize(flow_path).map_err(|e| format!("{flow_path}: {e}"))?;
    let todo: Vec<Json> = todo
        .iter()
        .map(|(run, set)| json!([run, sweep::params_json(set), set.iter().map(|(t, v)| [t, v]).collect::<Vec<_>>()]))
        .collect();
    let total = todo.len();
    let request = json!({
        "dask": address,
        "flojoy": runner.display().to_string(),
        "flow_path": flow.display().to_string(),
        "flow_text": plan.text,
        "args": plan.run_args(),
        "todo": todo,
    });
    let python = std::env::var("FLOJOY_DASK_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(&python)
        .args(["-c", DRIVER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {python} for Dask: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no pipe to the Dask driver")?;
    let stdout = child.stdout.take().ok_or("no pipe from the Dask driver")?;
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = stdin.write_all(request.to_string().as_bytes());
    });
    // Ctrl+C: the driver cancels the tasks and stops; rows already written stay
    let stop = stopped.clone();
    let finished = Arc::new(AtomicBool::new(false));
    let done = finished.clone();
    std::thread::spawn(move || {
        while !done.load(Ordering::SeqCst) {
            if stop.load(Ordering::SeqCst) {
                let _ = Command::new("kill").args(["-INT", &pid.to_string()]).status();
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let rows =
        BufReader::new(stdout).lines().map_while(Result::ok).filter_map(|l| serde_json::from_str::<Json>(&l).ok());
    let counts = rows_out.write_all(rows, total);
    if rows_out.write_failed {
        // no one will read the rest: stop the driver and its tasks
        let _ = child.kill();
    }
    finished.store(true, Ordering::SeqCst);
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() && !rows_out.write_failed && !stopped.load(Ordering::SeqCst) && counts.0 + counts.1 < total {
        return Err(format!(
            "the Dask driver stopped ({status}) after {} of {total} runs; is `distributed` installed for {python}, and the scheduler reachable?",
            counts.0 + counts.1
        ));
    }
    Ok(counts)
}

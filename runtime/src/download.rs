//! Downloads for the command-line runner's `--allow-download` (REMOTE_FILE, READ_CSV of a
//! URL): one blocking HTTP(S) GET with a time limit and a size cap. The browser app fetches
//! URLs itself (`fetch`), so this is native only.

use std::time::Duration;

/// The largest body a download may have: beyond it the node fails rather than the machine.
pub const MAX_BYTES: u64 = 1 << 30;

/// How long a download may take, from connecting to the last byte.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// [`get`], given up when `stop()` says so (asked every 20 ms): Ctrl+C need not wait out a slow
/// server. The download's thread is left to end on its own (its time and size are capped).
pub fn get_unless(url: &str, stop: impl Fn() -> bool) -> Result<Vec<u8>, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = url.to_owned();
    std::thread::spawn(move || tx.send(get(&owned)));
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(result) => return result,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(format!("cannot download '{url}': the download stopped"));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if stop() => {
                return Err(format!("download of '{url}' interrupted"));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
}

/// The bytes at `url`, or why not, in words that name the URL.
pub fn get(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).build().into();
    let why = |e: ureq::Error| match e {
        ureq::Error::StatusCode(code) => format!("cannot download '{url}': the server answered HTTP {code}"),
        ureq::Error::Timeout(_) => {
            format!("cannot download '{url}': no complete answer within {} s", TIMEOUT.as_secs())
        }
        ureq::Error::BodyExceedsLimit(_) => {
            format!("cannot download '{url}': it is larger than {} MB", MAX_BYTES >> 20)
        }
        other => format!("cannot download '{url}': {other}"),
    };
    let mut response = agent.get(url.trim()).call().map_err(why)?;
    response.body_mut().with_config().limit(MAX_BYTES).read_to_vec().map_err(why)
}

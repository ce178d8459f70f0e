//! Downloads for the command-line runner's `--allow-download` (REMOTE_FILE, READ_CSV of a
//! URL): one blocking HTTP(S) GET with a time limit and a size cap. The browser app fetches
//! URLs itself (`fetch`), so this is native only.

use std::time::Duration;

/// The largest body a download may have: beyond it the node fails rather than the machine.
pub const MAX_BYTES: u64 = 1 << 30;

/// How long a download may take, from connecting to the last byte.
pub const TIMEOUT: Duration = Duration::from_secs(120);

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

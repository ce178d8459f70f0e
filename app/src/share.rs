//! Share links: the flow, deflated and base64url-encoded, in the URL fragment
//! (`#flow=…`). The fragment never reaches a server, so a link works from any static host
//! and shares nothing with it. A link opens the flow; it runs only if it also says `run=1`,
//! and never starts hardware nodes by itself (device access needs the user's click anyway).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The longest fragment we put in a link. Browsers take megabytes, but chat apps, mail and
/// forms cut long links; past this the flow is shared as a file instead.
pub const MAX_FRAGMENT: usize = 16_000;

/// A shared flow is at most this big once inflated (a hostile link cannot exhaust memory).
const MAX_FLOW_BYTES: usize = 32 << 20;

/// What a link's fragment asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fragment {
    /// The flow's JSON text, if the fragment holds one.
    pub flow: Option<Result<String, String>>,
    pub run: bool,
}

/// The flow's text as a fragment value.
pub fn encode(flow_json: &str) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(flow_json.as_bytes(), 9))
}

/// The flow's text from a fragment value, or why it is not one.
pub fn decode(value: &str) -> Result<String, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(value.trim().trim_end_matches('='))
        .map_err(|_| "the link is damaged (it is not base64url): was it cut short when copied?".to_owned())?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_FLOW_BYTES).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            format!(
                "the link's flow is too large (over {} MB once unpacked): share it as a file instead",
                MAX_FLOW_BYTES >> 20
            )
        } else {
            "the link is damaged (its flow does not decompress): was it cut short when copied?".to_owned()
        }
    })?;
    String::from_utf8(raw).map_err(|_| "the link's flow is not text".to_owned())
}

/// The fragment for a flow (`flow=…`, plus `&run=1` when asked), or the compressed size when
/// it is too long for a link.
pub fn fragment(flow_json: &str, run: bool) -> Result<String, usize> {
    let value = encode(flow_json);
    let f = format!("flow={value}{}", if run { "&run=1" } else { "" });
    if f.len() > MAX_FRAGMENT { Err(value.len()) } else { Ok(f) }
}

/// Reads `#flow=…&run=1` (the leading `#` optional).
pub fn parse(hash: &str) -> Fragment {
    let mut out = Fragment::default();
    for part in hash.trim_start_matches('#').split('&') {
        match part.split_once('=') {
            Some(("flow", v)) => out.flow = Some(decode(v)),
            Some(("run", v)) => out.run = v == "1" || v == "true",
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_link_whose_flow_unpacks_past_the_limit_says_it_is_too_large() {
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_FLOW_BYTES + 1], 9));
        let e = decode(&bomb).unwrap_err();
        assert!(e.contains("too large") && e.contains("32 MB"), "{e}");
        assert!(decode(&bomb[..bomb.len() / 2]).unwrap_err().contains("damaged"));
    }

    #[test]
    fn a_flow_round_trips_through_a_link() {
        let json = r#"{"rfInstance":{"nodes":[{"id":"SINE-1","data":{"func":"SINE"}}],"edges":[]},"name":"ünïcode ✓"}"#;
        let f = fragment(json, true).unwrap();
        assert!(f.ends_with("&run=1"));
        assert!(f.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_=&".contains(&b)), "URL-safe: {f}");
        let back = parse(&format!("#{f}"));
        assert_eq!(back.flow, Some(Ok(json.to_owned())));
        assert!(back.run);
        assert!(!parse(&fragment(json, false).unwrap()).run);
    }

    #[test]
    fn damaged_links_say_so() {
        let f = fragment("{\"a\": 1}", false).unwrap();
        let cut = &f[..f.len() - 3];
        assert!(matches!(parse(cut).flow, Some(Err(e)) if e.contains("damaged")));
        assert!(matches!(parse("#flow=***").flow, Some(Err(e)) if e.contains("base64url")));
        assert_eq!(parse("#somewhere").flow, None);
    }

    #[test]
    fn big_flows_do_not_fit_in_a_link() {
        // incompressible text: pseudo-random hex
        let mut x: u64 = 1;
        let big: String = (0..40_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from_digit((x % 16) as u32, 16).unwrap()
            })
            .collect();
        assert!(fragment(&big, false).unwrap_err() > MAX_FRAGMENT);
    }
}

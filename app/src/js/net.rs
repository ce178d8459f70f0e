//! Fetching from URLs (the page's own files: the gallery, a `?flow=` link, a file parameter
//! that is a URL), through gloo-net.

use gloo_net::http::{Request, Response};

/// Why a fetch gave nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No answer: offline, a bad address, or a server that does not allow it (CORS).
    Unreachable(String),
    /// An answer that is not a success.
    Status(u16),
    /// The answer's body could not be read.
    Body(String),
}

impl FetchError {
    /// The error as a sentence about `url`.
    pub fn about(&self, url: &str) -> String {
        match self {
            FetchError::Unreachable(e) => format!("{url} could not be fetched: {e}"),
            FetchError::Status(status) => format!("{url}: HTTP {status}"),
            FetchError::Body(e) => format!("{url}: unreadable body ({e})"),
        }
    }
}

async fn get(url: &str) -> Result<Response, FetchError> {
    let resp = Request::get(url).send().await.map_err(|e| FetchError::Unreachable(e.to_string()))?;
    if !resp.ok() {
        return Err(FetchError::Status(resp.status()));
    }
    Ok(resp)
}

/// The text at `url`; an error says what happened to which URL.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let text = async { get(url).await?.text().await.map_err(|e| FetchError::Body(e.to_string())) };
    text.await.map_err(|e| e.about(url))
}

/// The bytes at `url`.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, FetchError> {
    get(url).await?.binary().await.map_err(|e| FetchError::Body(e.to_string()))
}

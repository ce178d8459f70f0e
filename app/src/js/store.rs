//! The app's records in IndexedDB (`app/js/store.js`): the autosaved flow, the recent flows and
//! the templates.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = autosaveGet)]
    fn autosave_get_() -> js_sys::Promise;
    #[wasm_bindgen(js_name = autosavePut)]
    fn autosave_put_(record: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = autosaveSettled)]
    fn autosave_settled_() -> js_sys::Promise;
    #[wasm_bindgen(js_name = recentPush)]
    fn recent_push_(record: &JsValue, keep: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = recentList)]
    fn recent_list_() -> js_sys::Promise;
    #[wasm_bindgen(js_name = recentGet)]
    fn recent_get_(id: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = templatePut)]
    fn template_put_(record: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = templateList)]
    fn template_list_() -> js_sys::Promise;
    #[wasm_bindgen(js_name = templateGet)]
    fn template_get_(id: f64) -> js_sys::Promise;
}

/// A saved flow: its Flojoy JSON and what the recent list shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub text: String,
    pub name: String,
    pub nodes: usize,
    /// Where it came from when that was outside the site (see `Document::outside`).
    #[serde(default)]
    pub outside: Option<String>,
    /// Milliseconds since 1970.
    pub saved_at: f64,
    /// A template that is one subflow (listed under "My subflows").
    #[serde(default)]
    pub subflow: bool,
}

/// A recent flow as the list shows it (no text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recent {
    pub id: f64,
    pub name: String,
    pub nodes: usize,
    pub saved_at: f64,
    /// A template that is one subflow (templates only).
    #[serde(default)]
    pub subflow: bool,
}

/// Why a write failed: the quota, or anything else (private mode, a blocked database).
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    Full,
    Other(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Full => f.write_str("the browser's storage for this site is full"),
            StoreError::Other(e) => f.write_str(e),
        }
    }
}

fn error(e: JsValue) -> StoreError {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    if name == "QuotaExceededError" {
        return StoreError::Full;
    }
    let message = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
    StoreError::Other(message.unwrap_or_else(|| format!("{e:?}")))
}

async fn call(p: js_sys::Promise) -> Result<JsValue, StoreError> {
    JsFuture::from(p).await.map_err(error)
}

fn to_js<T: Serialize>(v: &T) -> JsValue {
    super::json_to_js(&serde_json::to_value(v).unwrap_or_default())
}

fn from_js<T: for<'de> Deserialize<'de>>(v: &JsValue) -> Option<T> {
    serde_json::from_value(super::js_to_json(v)).ok()
}

/// The autosaved flow, if there is one (and storage works).
pub async fn autosave_get() -> Option<Record> {
    let v = call(autosave_get_()).await.ok()?;
    if v.is_null() || v.is_undefined() { None } else { from_js(&v) }
}

/// Replaces the autosaved flow; on an error the previous one stays. The write is queued at
/// once (after those before it); the future says how it went.
pub fn autosave_put(r: &Record) -> impl std::future::Future<Output = Result<(), StoreError>> + use<> {
    let write = autosave_put_(&to_js(r));
    async move { call(write).await.map(|_| ()) }
}

/// Waits until every autosave write asked for so far has finished.
pub fn autosave_settled() -> js_sys::Promise {
    autosave_settled_()
}

/// Adds a flow to the recent flows (not when it is the newest one already), keeping `keep`.
pub async fn recent_push(r: &Record, keep: u32) -> Result<f64, StoreError> {
    call(recent_push_(&to_js(r), keep)).await.map(|id| id.as_f64().unwrap_or_default())
}

/// The recent flows, newest first.
pub async fn recent_list() -> Result<Vec<Recent>, StoreError> {
    list(recent_list_()).await
}

/// One recent flow, with its text.
pub async fn recent_get(id: f64) -> Result<Option<Record>, StoreError> {
    record(recent_get_(id)).await
}

/// Saves a template (the selection's Flojoy JSON as a record); its id.
pub async fn template_put(r: &Record) -> Result<f64, StoreError> {
    call(template_put_(&to_js(r))).await.map(|id| id.as_f64().unwrap_or_default())
}

/// The templates, by name (as the recent list shows flows: no text).
pub async fn template_list() -> Result<Vec<Recent>, StoreError> {
    list(template_list_()).await
}

/// One template, with its text.
pub async fn template_get(id: f64) -> Result<Option<Record>, StoreError> {
    record(template_get_(id)).await
}

/// A list of records as the lists show them (recent flows, templates).
async fn list(p: js_sys::Promise) -> Result<Vec<Recent>, StoreError> {
    let v = call(p).await?;
    Ok(js_sys::Array::from(&v).iter().filter_map(|e| from_js(&e)).collect())
}

/// One record, or `None` when there is none.
async fn record(p: js_sys::Promise) -> Result<Option<Record>, StoreError> {
    let v = call(p).await?;
    Ok(if v.is_null() || v.is_undefined() { None } else { from_js(&v) })
}

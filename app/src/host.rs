//! The browser as the runtime's [`Host`]: page clocks, the CSPRNG, timers, the Python worker,
//! WebSerial/WebUSB devices, files the user picked (kept in memory by name) or URLs, and downloads for exports.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::future::LocalBoxFuture;
use nodes_pyodide::bridge::PythonWorker;
use runtime::host::{Host, PythonCall, PythonResult};
use runtime::nodes::NodeError;
use wasm_bindgen_futures::JsFuture;

use crate::js;

thread_local! {
    /// Files the user picked for file parameters, by name.
    static FILES: RefCell<HashMap<String, Vec<u8>>> = RefCell::new(HashMap::new());
}

/// Keeps a picked file's bytes under its name; returns the name (the parameter's value).
pub async fn remember_file(f: &web_sys::File) -> Result<String, String> {
    let buf = JsFuture::from(f.array_buffer()).await.map_err(|_| format!("{} could not be read", f.name()))?;
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    let name = f.name();
    FILES.with(|m| m.borrow_mut().insert(name.clone(), bytes));
    Ok(name)
}

pub struct BrowserHost {
    pub python: PythonWorker,
    pub devices: crate::devices::BrowserDevices,
}

impl Host for BrowserHost {
    fn now_ms(&self) -> f64 {
        js::now_ms()
    }

    fn unix_time_s(&self) -> f64 {
        js::unix_time_s()
    }

    fn entropy(&self) -> u64 {
        js::random_u64()
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(js::sleep(ms))
    }

    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        Box::pin(js::yield_now())
    }

    fn run_python(&self, call: PythonCall) -> LocalBoxFuture<'static, Result<PythonResult, NodeError>> {
        let worker = self.python.clone();
        Box::pin(async move { worker.call(call).await.map_err(NodeError::from) })
    }

    fn devices(&self) -> Option<std::rc::Rc<dyn runtime::devices::Devices>> {
        Some(std::rc::Rc::new(self.devices.clone()))
    }

    fn read_file(&self, path: &str) -> LocalBoxFuture<'static, Result<Vec<u8>, String>> {
        let path = path.to_owned();
        Box::pin(async move {
            if let Some(bytes) = FILES.with(|m| m.borrow().get(&path).cloned()) {
                return Ok(bytes);
            }
            // not a picked file: a URL (absolute, or relative to the page)
            let w = js::window().ok_or("no window")?;
            let resp = JsFuture::from(w.fetch_with_str(&path))
                .await
                .map_err(|_| format!("'{path}' is neither a file you picked nor a URL that can be fetched (offline, or the server does not allow it)"))?;
            let resp: web_sys::Response = wasm_bindgen::JsCast::dyn_into(resp).map_err(|_| "not a response")?;
            if !resp.ok() {
                return Err(format!("'{path}': HTTP {}", resp.status()));
            }
            let buf =
                JsFuture::from(resp.array_buffer().map_err(|_| "no body")?).await.map_err(|_| "unreadable body")?;
            Ok(js_sys::Uint8Array::new(&buf).to_vec())
        })
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let text = String::from_utf8_lossy(bytes);
        let mime = if name.ends_with(".json") { "application/json" } else { "text/csv" };
        crate::files::download(name, &text, mime)?;
        Ok(format!("downloaded {name}"))
    }
}

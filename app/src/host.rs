//! The browser as the runtime's [`Host`]: page clocks, the CSPRNG, timers, the Python worker,
//! WebSerial/WebUSB devices, files the user picked (kept in memory by name) or URLs, the sample
//! data (fetched from the site on first use), and downloads for exports.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::future::LocalBoxFuture;
use nodes_pyodide::bridge::PythonWorker;
use runtime::host::{Host, PythonCall, PythonResult};
use runtime::nodes::NodeError;

use crate::js;
use crate::js::net::FetchError;

thread_local! {
    /// Files the user picked for file parameters, by name.
    static FILES: RefCell<HashMap<String, Vec<u8>>> = RefCell::new(HashMap::new());
    /// The files of folders the user picked (BATCH_PROCESSOR), by path `folder/…`: kept as the
    /// browser's handles and read when a node asks, so a large folder costs nothing up front.
    static FOLDER_FILES: RefCell<std::collections::BTreeMap<String, web_sys::File>> =
        const { RefCell::new(std::collections::BTreeMap::new()) };
    /// Sample data files fetched from the site, by name.
    static SAMPLES: RefCell<HashMap<String, Vec<u8>>> = RefCell::new(HashMap::new());
}

/// Keeps a picked file's bytes under its name; returns the name (the parameter's value).
pub async fn remember_file(f: &web_sys::File) -> Result<String, String> {
    let bytes = js::file::read_bytes(f).await?;
    let name = f.name();
    FILES.with(|m| m.borrow_mut().insert(name.clone(), bytes));
    Ok(name)
}

/// Keeps the files of a picked folder (`<input webkitdirectory>`) under their paths; returns
/// the folder's name (the parameter's value). A folder picked again replaces its old files.
pub fn remember_folder(files: &web_sys::FileList) -> Result<String, String> {
    let picked: Vec<(String, web_sys::File)> = (0..files.length())
        .filter_map(|i| files.get(i))
        .map(|f| {
            // File.webkitRelativePath ("folder/sub/name"), not in web-sys
            let path = js_sys::Reflect::get(&f, &"webkitRelativePath".into())
                .ok()
                .and_then(|p| p.as_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| f.name());
            (path, f)
        })
        .collect();
    let folder = picked
        .first()
        .map(|(p, _)| p.split('/').next().unwrap_or_default().to_owned())
        .ok_or("the folder holds no files")?;
    FOLDER_FILES.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|p, _| !p.starts_with(&format!("{folder}/")));
        m.extend(picked);
    });
    Ok(folder)
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
            if let Some(file) = FOLDER_FILES.with(|m| m.borrow().get(&path).cloned()) {
                return js::file::read_bytes(&file).await;
            }
            // not a picked file: a URL (absolute, or relative to the page)
            js::net::fetch_bytes(&path).await.map_err(|e| match e {
                FetchError::Unreachable(_) => format!(
                    "'{path}' is neither a file you picked nor a URL that can be fetched (offline, or the server does not allow it)"
                ),
                FetchError::Status(status) => format!("'{path}': HTTP {status}"),
                FetchError::Body(e) => format!("'{path}': unreadable body ({e})"),
            })
        })
    }

    fn sample(&self, name: &str) -> LocalBoxFuture<'static, Result<std::borrow::Cow<'static, [u8]>, String>> {
        // the site's copy (index.html puts runtime/assets' samples in samples/; the service
        // worker keeps them for offline use), fetched once per page
        let name = name.to_owned();
        Box::pin(async move {
            if let Some(bytes) = SAMPLES.with(|m| m.borrow().get(&name).cloned()) {
                return Ok(std::borrow::Cow::Owned(bytes));
            }
            let bytes = js::net::fetch_bytes(&format!("samples/{name}")).await.map_err(|e| match e {
                FetchError::Unreachable(_) => {
                    "the site could not be reached (offline before the site was kept for offline use?)".to_owned()
                }
                FetchError::Status(status) => format!("HTTP {status} from the site"),
                FetchError::Body(e) => format!("unreadable body ({e})"),
            })?;
            SAMPLES.with(|m| m.borrow_mut().insert(name, bytes.clone()));
            Ok(std::borrow::Cow::Owned(bytes))
        })
    }

    fn list_files(&self, folder: &str, pattern: &str) -> Result<Vec<String>, String> {
        let prefix = format!("{}/", folder.trim_end_matches('/'));
        FOLDER_FILES.with(|m| {
            let m = m.borrow();
            if !m.keys().any(|p| p.starts_with(&prefix)) {
                return Err(format!(
                    "no folder '{folder}' was picked in this page: pick it with the folder button of directory_path"
                ));
            }
            // the map is sorted by path, as the runner sorts
            Ok(m.keys()
                .filter_map(|p| {
                    p.strip_prefix(&prefix).filter(|rest| runtime::glob::matches(pattern, rest)).map(|_| p.clone())
                })
                .collect())
        })
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let mime = match name.rsplit('.').next().unwrap_or_default() {
            "json" => "application/json",
            "csv" => "text/csv",
            "html" => "text/html",
            _ => "application/octet-stream",
        };
        js::file::download(name, bytes, mime)?;
        Ok(format!("downloaded {name}"))
    }
}

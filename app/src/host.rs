//! The browser as the runtime's [`Host`]: page clocks, the CSPRNG, timers, the Python worker.

use futures::future::LocalBoxFuture;
use nodes_pyodide::bridge::PythonWorker;
use runtime::host::{Host, PythonCall, PythonResult};
use runtime::nodes::NodeError;

use crate::js;

pub struct BrowserHost {
    pub python: PythonWorker,
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
}

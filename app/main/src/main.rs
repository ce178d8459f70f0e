//! Mounts the app. Everything else lives in the library.

fn main() {
    flojoy_app::start();
}

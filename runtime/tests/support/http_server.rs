//! A one-thread HTTP/1.1 server on loopback for the download tests: each path maps to a body
//! (anything else is 404). It answers until the test process ends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serves `files` (path → body) and returns the base URL, `http://127.0.0.1:PORT`.
pub fn serve(files: &[(&str, Vec<u8>)]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let files: HashMap<String, Vec<u8>> = files.iter().map(|(p, b)| (p.to_string(), b.clone())).collect();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // the headers, up to the empty line
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match files.get(path) {
                Some(b) => ("200 OK", b.as_slice()),
                None => ("404 Not Found", &b"not here"[..]),
            };
            let mut out = &stream;
            let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = out.write_all(head.as_bytes()).and_then(|_| out.write_all(body));
        }
    });
    base
}

// A gate for tests that need a node to be "in progress" for as long as the test says: a tiny
// HTTP server on 127.0.0.1 whose answers are held until the test opens the gate. A Python node
// calls it (a synchronous XMLHttpRequest from the Pyodide worker) with `?v=<value>`, so the
// server also records, in order, every value a node computed with: which runs really reached
// that node. CORS is allowed (the page is served from another port).
import { createServer } from "node:http";

export async function gate() {
  const seen = [];
  const held = [];
  const watchers = new Set();
  let isOpen = false;
  const notify = () => watchers.forEach((w) => w());
  const server = createServer((req, res) => {
    const answer = () => {
      res.writeHead(200, { "content-type": "text/plain", "access-control-allow-origin": "*", "cache-control": "no-store" });
      res.end("ok");
    };
    if (req.method === "OPTIONS") return answer();
    const v = new URL(req.url, "http://127.0.0.1").searchParams.get("v");
    seen.push(Number(v));
    if (isOpen) answer();
    else held.push(answer);
    notify();
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/gate`,
    /** Every value requested so far, in order. */
    seen,
    /** How many requests are being held (not yet answered). */
    held: () => held.length,
    /** Answers every held request, and every later one at once. */
    open() {
      isOpen = true;
      held.splice(0).forEach((a) => a());
    },
    /** Holds the requests that come from now on. */
    shut() {
      isOpen = false;
    },
    /** Resolves once `pred(seen)` is true (checked at every request). */
    until(pred) {
      return new Promise((resolve) => {
        const w = () => {
          if (pred(seen)) {
            watchers.delete(w);
            resolve([...seen]);
          }
        };
        watchers.add(w);
        w();
      });
    },
    close() {
      held.splice(0).forEach((a) => a());
      return new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(ok);
      });
    },
  };
}

/** Python code for a node `func(x: float)` that calls the gate with x and returns Scalar(x). */
export function gateNodeCode(func, url) {
  return `from flojoy import flojoy, Scalar
import js

@flojoy
def ${func}(x: float = 0.0) -> Scalar:
    """Waits for the test's gate, then returns x."""
    r = js.XMLHttpRequest.new()
    r.open("GET", "${url}?v=" + repr(x), False)
    r.send()
    return Scalar(c=x)
`;
}

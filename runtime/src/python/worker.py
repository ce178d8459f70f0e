# (codec.py comes first in the script the runner starts: _decode, _encode, _install, _answer)
"""Flojoy Web's native Python worker: runs Python nodes for the `flojoy` runner in the
machine's CPython, through the same `flojoy` module the browser's Pyodide worker uses
(nodes-pyodide/flojoy_api.py, sent as the first message).

One process serves a whole run. It reads requests on stdin and answers on stdout, one frame
each: a little-endian u32 length, a JSON header, then the raw buffers the header lists in
"bufs" (float64 arrays as their bytes: never a number per JSON element). In the header a
buffer is {"$b": index}; a float that JSON cannot hold (NaN, ±inf) is {"$f": "nan"}.
Requests: init {api, files}, call {code, func, node_key, inputs, params, outputs}, parse {code}.
Replies: ready {version, numpy}, result {outputs, log, flow_to?}, error {message, traceback,
line, log}, parsed {spec}. The protocol's Rust side is runtime/src/python/.
"""

import json
import mmap
import os
import struct
import sys
import threading

# the protocol's own file descriptors: node code that prints, or a C library writing to fd 1,
# must never mix bytes into the replies, and input() must not read the requests
_IN = os.fdopen(os.dup(0), "rb", buffering=0)
_OUT = os.fdopen(os.dup(1), "wb", buffering=0)
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
os.dup2(2, 1)
sys.stdin = open(os.devnull)


def _bigger_pipes():
    # Linux: a bigger pipe moves a large array in fewer rounds between the two processes (16 MiB
    # needs privileges; 1 MiB is what anyone may ask for)
    try:
        import fcntl
    except ImportError:
        return
    for f in (_IN, _OUT):
        for size in (16 << 20, 1 << 20):
            try:
                fcntl.fcntl(f.fileno(), 1031, size)  # F_SETPIPE_SZ
                break
            except OSError:
                pass


def _orphan_watch(folder):
    # the runner kills this process when it stops a node; should the runner itself die first,
    # a node stuck in a loop must not outlive it (nor the files they shared)
    parent = os.getppid()

    def watch():
        while True:
            threading.Event().wait(0.5)
            if os.getppid() != parent:
                if folder:
                    import shutil

                    shutil.rmtree(folder, ignore_errors=True)
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _read_exact(n, floats=False):
    buf = _buffer(n, floats)
    view = memoryview(buf).cast("B")
    got = 0
    while got < n:
        k = _IN.readinto(view[got:])
        if not k:
            raise EOFError
        got += k
    return buf


# Large buffers do not go through the pipe: the runner writes them into a file it shares with
# this process (in /dev/shm where there is one) and names the offset; replies do the same in
# a second file. Each side copies once, without waiting for the other, and the files are
# rewritten in place, so their memory pages are reused from call to call.
_FILES = {}
LARGE = 1 << 16


_MAPS = {}


def _mapped(name, size=0):
    """The shared file ``name`` mapped whole, at least ``size`` bytes long (this side grows
    its own output file). The mapping is kept while the file keeps its size (each side
    rewrites its file in place), so a buffer crosses as one memory copy: a read() or write()
    of the file costs two to three times as much in the kernel."""
    fd = _FILES[name]
    have = os.fstat(fd).st_size
    if have < size:
        os.ftruncate(fd, size)
        have = size
    old = _MAPS.get(name)
    if old is not None and len(old) == have:
        return old
    if old is not None:
        old.close()
    m = _MAPS[name] = mmap.mmap(fd, have, access=mmap.ACCESS_READ if name == "in" else mmap.ACCESS_WRITE)
    return m


def _read_file(n, floats, offset):
    m = _mapped("in")
    if offset + n > len(m):
        raise EOFError
    buf = _buffer(n, floats)
    memoryview(buf).cast("B")[:] = memoryview(m)[offset:offset + n]
    return buf


def _write_file(view, offset):
    m = _mapped("out", offset + view.nbytes)
    memoryview(m)[offset:offset + view.nbytes] = view


def _read():
    (n,) = struct.unpack("<I", _read_exact(4))
    header = json.loads(_read_exact(n))
    bufs = []
    for spec in header.pop("bufs", []):
        size, floats = spec[0], spec[1] == "d"
        bufs.append(_read_file(size, floats, spec[2]) if len(spec) > 2 else _read_exact(size, floats))
    return _decode(header, bufs)


def _write(msg):
    bufs = []
    header = _encode(msg, bufs)
    specs, inline, offset = [], [], 0
    for b, kind in bufs:
        view = memoryview(b).cast("B")
        if view.nbytes >= LARGE and "out" in _FILES:
            _write_file(view, offset)
            specs.append([view.nbytes, kind, offset])
            offset += view.nbytes
        else:
            specs.append([view.nbytes, kind])
            inline.append(view)
    header["bufs"] = specs
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    _send(struct.pack("<I", len(text)) + text)
    for view in inline:
        _send(view)


def _send(data):
    view = memoryview(data).cast("B")
    while view:
        n = _OUT.write(view)
        view = view[n:]


def _flat_view(flat, np):
    """flojoy_api's ``_flat`` (an output array → float64 bytes) without its copy for numpy
    arrays: the browser needs a bytes object (a Uint8Array once in JavaScript), but here the
    reply is written out before the node's code runs again, so a view of the array's own
    memory is enough, and a large array is copied once (into the shared file), not twice."""
    if np is None:
        return flat

    def view(v):
        if isinstance(v, np.ndarray):
            return memoryview(np.ascontiguousarray(v, dtype=np.float64)).cast("B")
        return flat(v)

    return view


def _serve(flojoy):
    while True:
        try:
            msg = _read()
        except EOFError:
            return
        reply = _answer(flojoy, msg)
        try:
            _write(reply)
        except (TypeError, ValueError) as e:  # an output Python cannot send
            _write(_unsendable(e, reply))


def main():
    if sys.version_info < (3, 10):
        sys.stderr.write(f"Python 3.10 or newer is needed to run Python nodes; this is {sys.version.split()[0]}\n")
        sys.exit(3)
    _bigger_pipes()
    try:
        init = _read()
    except EOFError:
        return
    folder = init.get("files")
    if folder:
        _FILES["in"] = os.open(os.path.join(folder, "in.bin"), os.O_RDONLY)
        _FILES["out"] = os.open(os.path.join(folder, "out.bin"), os.O_RDWR)
    _orphan_watch(folder)
    flojoy = _install(init["api"])
    flojoy._flat = _flat_view(flojoy._flat, flojoy._np)
    numpy = sys.modules.get("numpy")
    _write({"type": "ready", "version": sys.version.split()[0], "numpy": getattr(numpy, "__version__", None),
            "files": bool(_FILES)})
    _serve(flojoy)


main()

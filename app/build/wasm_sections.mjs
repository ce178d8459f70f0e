// Reads the few things the wasm split step (split.mjs) needs from a WebAssembly binary: its
// functions' names (the "name" custom section), their signatures, the exported function table;
// and writes a copy without the names. A reader of the binary format's sections, not a parser
// of code: https://webassembly.github.io/spec/core/binary/modules.html
const NAME = "name";
const V128 = 0x7b;
const FUNCREF = 0x70;

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }
  byte() {
    if (this.pos >= this.end) throw new Error("wasm: unexpected end of a section");
    return this.bytes[this.pos++];
  }
  u32() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
      shift += 7;
    }
  }
  name() {
    const len = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return text;
  }
  limits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
  vec(item) {
    const n = this.u32();
    const out = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

/** Every section: id, where it starts (its id byte), where its content starts and ends. */
export function sections(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("wasm: not a WebAssembly binary");
  }
  const out = [];
  const r = new Reader(bytes, 8);
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const content = r.pos;
    r.pos += size;
    const section = { id, start, content, end: r.pos };
    if (id === 0) section.name = new Reader(bytes, content, r.pos).name();
    out.push(section);
  }
  return out;
}

/** What the split step needs to know of a module. */
export function describe(bytes) {
  const all = sections(bytes);
  const types = [];
  const funcTypes = []; // type index of every function, imported first
  const tables = []; // element type of every table, imported first
  const exports = [];
  const names = new Map();
  for (const s of all) {
    const r = new Reader(bytes, s.content, s.end);
    if (s.id === 1) {
      r.vec(() => {
        const form = r.byte();
        if (form !== 0x60) throw new Error(`wasm: type form 0x${form.toString(16)} is not a function type`);
        const params = r.vec(() => r.byte());
        const results = r.vec(() => r.byte());
        types.push({ params, results });
      });
    } else if (s.id === 2) {
      r.vec(() => {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) funcTypes.push(r.u32());
        else if (kind === 1) {
          tables.push(r.byte());
          r.limits();
        } else if (kind === 2) r.limits();
        else if (kind === 3) r.pos += 2;
        else if (kind === 4) {
          r.byte();
          r.u32();
        } else throw new Error(`wasm: unknown import kind ${kind}`);
      });
      funcTypes.imported = funcTypes.length;
    } else if (s.id === 3) {
      r.vec(() => funcTypes.push(r.u32()));
    } else if (s.id === 4) {
      r.vec(() => {
        tables.push(r.byte());
        r.limits();
      });
    } else if (s.id === 7) {
      r.vec(() => exports.push({ name: r.name(), kind: r.byte(), index: r.u32() }));
    } else if (s.id === 0 && s.name === NAME) {
      r.name();
      while (r.pos < s.end) {
        const sub = r.byte();
        const size = r.u32();
        const next = r.pos + size;
        if (sub === 1) {
          r.vec(() => {
            const index = r.u32();
            names.set(index, r.name());
          });
        }
        r.pos = next;
      }
    }
  }
  const imported = funcTypes.imported ?? 0;
  const functions = funcTypes.map((type, index) => {
    const t = types[type];
    return {
      index,
      imported: index < imported,
      name: names.get(index) ?? null,
      // JavaScript cannot take or give a v128: a placeholder (a JS function) cannot stand in
      simd: !!t && (t.params.includes(V128) || t.results.includes(V128)),
    };
  });
  const funcTable = exports.find((e) => e.kind === 1 && tables[e.index] === FUNCREF);
  return { functions, imported, funcTableExport: funcTable?.name ?? null, hasNames: names.size > 0 };
}

/** The same module without its "name" section (what the site ships: smaller, same code). */
export function withoutNames(bytes) {
  const keep = [bytes.subarray(0, 8)];
  for (const s of sections(bytes)) {
    if (!(s.id === 0 && s.name === NAME)) keep.push(bytes.subarray(s.start, s.end));
  }
  return Buffer.concat(keep);
}

/** A function's name without LLVM's `.123` numbering of same-named copies (it changes between builds). */
export function exactName(name) {
  return name.replace(/\.\d+$/, "");
}

/**
 * A function's name without rustc's hash too (`::h` and 16 hex digits, also before a suffix
 * such as ` externref shim`): all the copies of a generic function or closure share it.
 */
export function stableName(name) {
  return exactName(name).replace(/::h[0-9a-f]{16}(?=$|[ .])/, "");
}

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/**
 * `bytes` with each table export pointing at the table `reference` exports under that name.
 * Debian's binaryen 108 (wasm-split) writes every table export as table 0: wasm-bindgen's
 * `__wbindgen_externrefs` (table 1, its externref table) then names the function table, and
 * the page fails as it starts. Tables keep their order through wasm-split, so the reference's
 * indices hold.
 */
export function fixTableExports(bytes, reference) {
  const want = new Map();
  for (const s of sections(reference).filter((s) => s.id === 7)) {
    const r = new Reader(reference, s.content, s.end);
    r.vec(() => {
      const name = r.name();
      const kind = r.byte();
      const index = r.u32();
      if (kind === 1) want.set(name, index);
    });
  }
  const parts = [bytes.subarray(0, 8)];
  for (const s of sections(bytes)) {
    if (s.id !== 7) {
      parts.push(bytes.subarray(s.start, s.end));
      continue;
    }
    const r = new Reader(bytes, s.content, s.end);
    const entries = r.vec(() => {
      const start = r.pos;
      const name = r.name();
      const nameBytes = bytes.subarray(start, r.pos);
      const kind = r.byte();
      let index = r.u32();
      if (kind === 1 && want.has(name)) index = want.get(name);
      return Buffer.concat([nameBytes, Buffer.from([kind, ...leb(index)])]);
    });
    const body = Buffer.concat([Buffer.from(leb(entries.length)), ...entries]);
    parts.push(Buffer.from([7, ...leb(body.length)]), body);
  }
  return Buffer.concat(parts);
}

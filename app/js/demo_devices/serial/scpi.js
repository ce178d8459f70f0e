// 'scpi': a simulated SCPI voltmeter on a serial line.

import { latin1Text } from "../bytes.js";
import { SerialSim } from "./devices.js";
import { later } from "../time.js";

/**
 * A SCPI header pattern such as "MEASure:VOLTage[:DC]?": each node accepts its short form
 * (the capitals) or its long form, in any case; bracketed nodes are optional.
 */
function compileScpi(pattern) {
  const query = pattern.endsWith("?");
  const body = query ? pattern.slice(0, -1) : pattern;
  if (body.startsWith("*")) return { common: body.toUpperCase(), query };
  const nodes = [];
  const re = /(\[)?:?([A-Za-z]+)\]?/g;
  let m;
  while ((m = re.exec(body)) !== null) {
    const word = m[2];
    nodes.push({ short: word.replace(/[a-z]/g, ""), long: word.toUpperCase(), optional: Boolean(m[1]) });
  }
  return { nodes, query };
}

function scpiMatches(compiled, header) {
  let h = header.toUpperCase();
  const query = h.endsWith("?");
  if (query !== compiled.query) return false;
  if (query) h = h.slice(0, -1);
  if (compiled.common) return h === compiled.common;
  if (h.startsWith(":")) h = h.slice(1);
  const tokens = h.split(":");
  let i = 0;
  for (const node of compiled.nodes) {
    const tok = tokens[i];
    if (tok !== undefined && (tok === node.short || tok === node.long)) i++;
    else if (!node.optional) return false;
  }
  return i === tokens.length;
}

/** A number as a DMM prints it: +1.23456700E+00. */
function scpiNumber(x) {
  if (!Number.isFinite(x)) return "+9.90000000E+37"; // SCPI's "not a number"
  const [mantissa, exponent] = Math.abs(x).toExponential(8).split("e");
  const e = Number(exponent);
  return `${x < 0 ? "-" : "+"}${mantissa}E${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** The instrument's command set. `run` returns the reply (queries) or undefined. */
const SCPI_COMMANDS = [
  ["*IDN?", (dev) => dev.idn],
  ["*RST", () => undefined],
  ["*CLS", (dev) => void (dev.errors.length = 0)],
  ["*OPC?", () => "1"],
  ["*TST?", () => "+0"],
  ["MEASure:VOLTage[:DC]?", (dev) => dev.measure()],
  ["READ?", (dev) => dev.measure()],
  ["CONFigure:VOLTage[:DC]", () => undefined],
  ["SYSTem:ERRor[:NEXT]?", (dev) => dev.popError()],
  ["SYSTem:VERSion?", () => "1999.0"],
].map(([pattern, run]) => ({ pattern, compiled: compileScpi(pattern), run }));

/**
 * 'scpi': a line-oriented digital voltmeter. Commands end with "\n" ("\r\n" accepted), are
 * case-insensitive and take SCPI's short or long forms; several may share a line separated by
 * ";" (their replies are joined by ";"). Replies end with "\n" and come `delayMs` (default 2)
 * after the command.
 *   *IDN?                        -> `idn` (default "Flojoy,Simulated DMM,SN000001,1.0")
 *   MEASure:VOLTage[:DC]?, READ? -> `volts` (a number, or a function of the reading number
 *                                   0, 1, 2, ...; default 1.234567) as "+1.23456700E+00"
 *   SYSTem:ERRor[:NEXT]?         -> the oldest queued error, or +0,"No error"
 *   *OPC? -> 1, *TST? -> +0, SYSTem:VERSion? -> 1999.0; *RST, *CLS (clears the error queue)
 *                                   and CONFigure:VOLTage[:DC] are accepted without reply
 *   anything else                -> no reply; queues -113,"Undefined header" (20 errors at
 *                                   most, the last becoming -350,"Queue overflow")
 */
export class ScpiSim extends SerialSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.idn = spec.idn !== undefined ? String(spec.idn) : "Flojoy,Simulated DMM,SN000001,1.0";
    this.volts = spec.volts !== undefined ? spec.volts : 1.234567;
    this.delayMs = spec.delayMs !== undefined ? Number(spec.delayMs) : 2;
    /** Queued [code, message] pairs, oldest first. */
    this.errors = [];
    this.readings = 0;
    this.inbox = "";
    this.replyTimers = new Set();
  }

  onOpen() {
    this.inbox = "";
  }
  onClose() {
    for (const timer of this.replyTimers) clearTimeout(timer);
    this.replyTimers.clear();
    this.inbox = "";
  }

  onWrite(bytes) {
    this.inbox += latin1Text(bytes);
    let end;
    while ((end = this.inbox.indexOf("\n")) >= 0) {
      const line = this.inbox.slice(0, end).replace(/\r$/, "");
      this.inbox = this.inbox.slice(end + 1);
      this.execute(line);
    }
  }

  execute(line) {
    const replies = [];
    for (const unit of line.split(";")) {
      const command = unit.trim();
      if (!command) continue;
      const header = command.split(/\s+/, 1)[0];
      const known = SCPI_COMMANDS.find((c) => scpiMatches(c.compiled, header));
      if (!known) {
        this.pushError(-113, "Undefined header");
        continue;
      }
      const reply = known.run(this);
      if (reply !== undefined) replies.push(reply);
    }
    if (replies.length > 0) this.reply(`${replies.join(";")}\n`);
  }

  reply(text) {
    const link = this.link;
    const timer = later(() => {
      this.replyTimers.delete(timer);
      if (this.link === link) this.sendLine(text);
    }, this.delayMs);
    this.replyTimers.add(timer);
  }

  measure() {
    const i = this.readings++;
    this._stats.readings++;
    const v = typeof this.volts === "function" ? this.volts(i) : this.volts;
    return scpiNumber(Number(v));
  }

  pushError(code, message) {
    if (this.errors.length >= 20) this.errors[19] = [-350, "Queue overflow"];
    else this.errors.push([code, message]);
  }

  popError() {
    const e = this.errors.shift();
    if (!e) return '+0,"No error"';
    return `${e[0] >= 0 ? "+" : ""}${e[0]},"${e[1]}"`;
  }
}

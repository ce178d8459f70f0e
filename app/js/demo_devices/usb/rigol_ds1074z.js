// 'ds1074z': a simulated Rigol DS1074Z oscilloscope on USBTMC (0x1AB1:0x04CE) with its own
// signals: channel 1 a 1 kHz sine of 1 V amplitude, channel 2 its cosine, channels 3 and 4
// flat. It keeps what Flojoy's DS1074Z nodes set and answers what they ask (Studio's blocks'
// SCPI): *IDN?; :CHANnel<n>:DISPlay, :SCALe, :OFFSet (and their queries), :CHANnel<n>:UNITs?
// (VOLT); :TRIGger:EDGE:SOURce/LEVel/SLOPe and :TRIGger:COUPling (and queries);
// :TIMebase:MAIN:SCALe/OFFSet (and queries); :WAVeform:SOURce/FORMat/MODE, the preamble
// queries and :WAVeform:DATA?. In NORMal mode the waveform is the screen: 1200 points over 12
// divisions centred on the time offset, XINCrement = 12 · scale / 1200, XORigin = offset −
// 6 · scale; levels are bytes, YINCrement = channel scale / 25, YREFerence = 127, YORigin =
// channel offset / YINCrement, so volts = (byte − YORigin − YREFerence) · YINCrement (Rigol's
// formula). :WAVeform:DATA? answers an IEEE 488.2 block (#9 and nine digits). Numbers are
// printed like the scope (%e with 6 decimals). Anything else goes to the error queue (-113).
// Handle: `channels` ([1..4]: { display, scale, offset }), `trigger`, `timebase`, `waveform`,
// `signal(k, t)` (channel k's volts at time t), `screen(k)` ({ x0, dx, yinc, yorigin, bytes }).

import { latin1Bytes } from "../bytes.js";
import { UsbtmcSim } from "./usbtmc.js";

const POINTS = 1200;
const num = (x) => Number(x).toExponential(6);

export class Ds1074zSim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.idn = spec.idn !== undefined ? String(spec.idn) : "RIGOL TECHNOLOGIES,DS1074Z,DS1ZA000000001,00.04.04";
    this.channels = [null, 1, 2, 3, 4].map((k) => (k === null ? null : { display: k <= 2, scale: 1, offset: 0 }));
    this.trigger = { source: "CHAN1", level: 0, slope: "POS", coupling: "DC" };
    this.timebase = { scale: 1e-3, offset: 0 };
    this.waveform = { source: "CHAN1", format: "BYTE", mode: "NORM" };
  }
  signal(k, t) {
    if (k === 1) return Math.sin(2 * Math.PI * 1000 * t);
    if (k === 2) return Math.cos(2 * Math.PI * 1000 * t);
    return 0;
  }
  screen(k) {
    const { scale, offset } = this.timebase;
    const dx = (12 * scale) / POINTS;
    const x0 = offset - 6 * scale;
    const ch = this.channels[k];
    const yinc = ch.scale / 25;
    const yorigin = Math.round(ch.offset / yinc);
    const bytes = new Uint8Array(POINTS);
    for (let i = 0; i < POINTS; i++) {
      const level = Math.round(this.signal(k, x0 + i * dx) / yinc + yorigin + 127);
      bytes[i] = Math.max(0, Math.min(255, level));
    }
    return { x0, dx, yinc, yorigin, bytes };
  }
  answer(text) {
    const line = text.trim();
    const up = line.toUpperCase();
    if (up === "*IDN?") return this.idn;
    let m;
    if ((m = /^:CHAN(?:NEL)?([1-4]):(DISP(?:LAY)?|SCAL(?:E)?|OFFS(?:ET)?|UNIT(?:S)?)(\?| (.+))$/.exec(up))) {
      const ch = this.channels[Number(m[1])];
      const what = m[2].slice(0, 4);
      if (m[3] === "?") {
        if (what === "DISP") return ch.display ? "1" : "0";
        if (what === "SCAL") return num(ch.scale);
        if (what === "OFFS") return num(ch.offset);
        return "VOLT";
      }
      const v = m[4].trim();
      if (what === "DISP") ch.display = v === "ON" || v === "1";
      else if (what === "SCAL" && Number(v) > 0) ch.scale = Number(v);
      else if (what === "OFFS" && Number.isFinite(Number(v))) ch.offset = Number(v);
      else this.errors.push([-224, "Illegal parameter value"]);
      return undefined;
    }
    if ((m = /^:TRIG(?:GER)?:(EDGE:SOUR(?:CE)?|EDGE:LEV(?:EL)?|EDGE:SLOP(?:E)?|COUP(?:LING)?)(\?| (.+))$/.exec(up))) {
      const key = m[1].includes("SOUR") ? "source" : m[1].includes("LEV") ? "level" : m[1].includes("SLOP") ? "slope" : "coupling";
      if (m[2] === "?") return key === "level" ? num(this.trigger.level) : this.trigger[key];
      const v = m[3].trim();
      this.trigger[key] = key === "level" ? Number(v) : v.replace(/^CHANNEL/, "CHAN");
      return undefined;
    }
    if ((m = /^:TIM(?:EBASE)?:MAIN:(SCAL(?:E)?|OFFS(?:ET)?)(\?| (.+))$/.exec(up))) {
      const key = m[1].startsWith("SCAL") ? "scale" : "offset";
      if (m[2] === "?") return num(this.timebase[key]);
      this.timebase[key] = Number(m[3]);
      return undefined;
    }
    if ((m = /^:WAV(?:EFORM)?:(SOUR(?:CE)?|FORM(?:AT)?|MODE) (.+)$/.exec(up))) {
      const key = m[1].startsWith("SOUR") ? "source" : m[1].startsWith("FORM") ? "format" : "mode";
      this.waveform[key] = m[2].trim().replace(/^CHANNEL/, "CHAN").slice(0, 4);
      return undefined;
    }
    if ((m = /^:WAV(?:EFORM)?:(XOR(?:IGIN)?|XINC(?:REMENT)?|YOR(?:IGIN)?|YINC(?:REMENT)?|YREF(?:ERENCE)?|DATA)\?$/.exec(up))) {
      const k = Number(/^CHAN([1-4])$/.exec(this.waveform.source)?.[1] ?? 1);
      const s = this.screen(k);
      const what = m[1].slice(0, 4);
      if (what === "XORI") return num(s.x0);
      if (what === "XINC") return num(s.dx);
      if (what === "YORI") return String(s.yorigin);
      if (what === "YINC") return num(s.yinc);
      if (what === "YREF") return "127";
      const len = String(s.bytes.length).padStart(9, "0");
      const head = latin1Bytes(`#9${len}`);
      const out = new Uint8Array(head.length + s.bytes.length + 1);
      out.set(head);
      out.set(s.bytes, head.length);
      out[out.length - 1] = 10;
      return out;
    }
    this.errors.push([-113, "Undefined header"]);
    return undefined;
  }
}

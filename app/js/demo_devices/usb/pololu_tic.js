// 'tic': a simulated Pololu Tic T834 stepper motor controller (0x1FFB:0x00B5) on its native
// USB interface (0, vendor-specific, no endpoints used). It takes Pololu's USB commands as
// vendor control OUT requests to the device, with no data: quick commands (0x85 energize,
// 0x86 deenergize, 0x83 exit safe start, 0x8F enter safe start, 0x89 halt and hold) and 32-bit
// ones whose value is wValue | wIndex << 16, two's complement (0xE0 set target position, 0xE6
// set max speed, 0xEC halt and set position, 0x91 set current limit). Anything else stalls.
// The motor reaches its target at once, but only while energized and out of safe start (a
// target set otherwise is kept and not moved to, as on a real Tic, which reports an error).
// Handle: `commands` ([{ name, request, value }] in order), `position`, `target`, `maxSpeed`,
// `currentLimit`, `energized`, `safeStart`, `moves` (positions reached, in order).

import { UsbSim } from "./devices.js";

const COMMANDS = {
  0x85: ["energize", false],
  0x86: ["deenergize", false],
  0x83: ["exit safe start", false],
  0x8f: ["enter safe start", false],
  0x89: ["halt and hold", false],
  0xe0: ["set target position", true],
  0xe6: ["set max speed", true],
  0xec: ["halt and set position", true],
  0x91: ["set current limit", true],
};

export class TicSim extends UsbSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults, []);
    this.powerOff();
  }
  powerOff() {
    this.commands = [];
    this.position = 0;
    this.target = 0;
    this.maxSpeed = 2000000;
    this.currentLimit = 0;
    this.energized = false;
    this.safeStart = true;
    this.moves = [];
  }
  controlOut(setup, bytes) {
    const command = setup.requestType === "vendor" && setup.recipient === "device" ? COMMANDS[setup.request] : undefined;
    if (!command || bytes.length !== 0) return "stall";
    const [name, wide] = command;
    const value = wide ? (setup.value | (setup.index << 16)) >> 0 : null;
    this.commands.push({ name, request: setup.request, value });
    switch (setup.request) {
      case 0x85:
        this.energized = true;
        break;
      case 0x86:
        this.energized = false;
        break;
      case 0x83:
        this.safeStart = false;
        break;
      case 0x8f:
        this.safeStart = true;
        break;
      case 0x89:
        this.target = this.position;
        break;
      case 0xe0:
        this.target = value;
        if (this.energized && !this.safeStart) {
          this.position = value;
          this.moves.push(value);
        }
        break;
      case 0xe6:
        this.maxSpeed = value;
        break;
      case 0xec:
        this.position = value;
        this.target = value;
        break;
      case 0x91:
        this.currentLimit = value;
        break;
    }
    return "ok";
  }
}

// Timing of the simulated hardware: the page's clock, the browser's later tasks, one shared ticker.


/** How often the simulated hardware wakes up to produce what is due by the wall clock. */
const TICK_MS = 4;

export const clock = () => performance.now();

/** The browser answers over IPC: results arrive in a later task, never synchronously. */
export const later = (fn, ms = 0) => setTimeout(fn, ms);
export const nextTask = () => new Promise((resolve) => later(resolve));

/** One timer for all simulated hardware, running only while some device has work. */
export const ticker = {
  jobs: new Set(),
  handle: null,
  add(job) {
    this.jobs.add(job);
    this.arm();
  },
  remove(job) {
    this.jobs.delete(job);
    if (this.jobs.size === 0 && this.handle !== null) {
      clearTimeout(this.handle);
      this.handle = null;
    }
  },
  arm() {
    if (this.handle === null && this.jobs.size > 0) this.handle = setTimeout(() => this.run(), TICK_MS);
  },
  run() {
    this.handle = null;
    const t = clock();
    for (const job of Array.from(this.jobs)) {
      if (!this.jobs.has(job)) continue;
      try {
        job(t);
      } catch (err) {
        console.error("flojoyDemoDevices: a simulated device failed", err);
      }
    }
    this.arm();
  },
};

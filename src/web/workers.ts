// see: README.md (browser) — the page's workers. The page compiles the Wasm build once and hands the compiled
// module to every worker (worker.ts); a job runs in one worker, streams its outputs and progress, and is
// cancelled by terminating that worker (a new one takes its place for the next job).
import type { Output } from "../validate.js";
import type { WasmBuild } from "../engine/wasm.js";
import type { FromWorker, Job, JobResult, ToWorker } from "./protocol.js";

/** Raised (as the rejection of a job) when the job was cancelled. */
export class Cancelled extends Error {
  constructor() {
    super("cancelled");
    this.name = "Cancelled";
  }
}

/** A failure inside the worker, with the option it names when it is an OptionError. */
export class JobError extends Error {
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
    this.name = "JobError";
  }
}

export interface JobCallbacks {
  onOutput?: (output: Output) => void;
  onProgress?: (fraction: number, t: number) => void;
}

/** One worker that runs one job at a time. */
export class WorkerClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private current: { id: number; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly build: WasmBuild,
    private readonly module: WebAssembly.Module,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (event: MessageEvent<FromWorker>) => {
        if (event.data.type === "ready") {
          worker.removeEventListener("message", onReady);
          resolve();
        }
      };
      worker.addEventListener("message", onReady);
      worker.addEventListener("error", (event) => reject(new Error(`the worker failed to start: ${event.message}`)), { once: true });
      // the worker posts "ready" once its module is evaluated and it has the compiled Wasm module
      worker.postMessage({ type: "init", build: this.build, module: this.module } satisfies ToWorker);
    });
    return this.ready;
  }

  /** Runs a job; resolves with its result, rejects with JobError, or with Cancelled after `cancel()`. */
  async run(job: Job, callbacks: JobCallbacks = {}): Promise<JobResult> {
    if (this.current) throw new Error("this worker is busy");
    const id = this.nextId++;
    const promise = new Promise<JobResult>((resolve, reject) => {
      this.current = { id, reject };
      this.start()
        .then(() => {
          if (this.current?.id !== id) return; // cancelled while starting
          const worker = this.worker!;
          const onMessage = (event: MessageEvent<FromWorker>) => {
            const m = event.data;
            if (m.type === "ready" || m.id !== id) return;
            if (m.type === "output") callbacks.onOutput?.(m.output);
            else if (m.type === "progress") callbacks.onProgress?.(m.fraction, m.t);
            else {
              worker.removeEventListener("message", onMessage);
              this.current = undefined;
              if (m.type === "done") resolve(m.result);
              else reject(new JobError(m.error.message, m.error.option));
            }
          };
          worker.addEventListener("message", onMessage);
          worker.postMessage({ ...job, id } as ToWorker);
        })
        .catch((error: Error) => {
          this.current = undefined;
          reject(error);
        });
    });
    return promise;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Stops the running job at once (the worker is terminated; the next job starts a new one). */
  cancel(): void {
    const current = this.current;
    this.current = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    this.ready = undefined;
    current?.reject(new Cancelled());
  }
}

/** A pool of workers that runs a list of jobs, each as soon as a worker is free. */
export class WorkerPool {
  readonly clients: WorkerClient[];
  private cancelled = false;

  constructor(build: WasmBuild, module: WebAssembly.Module, size: number) {
    this.clients = Array.from({ length: Math.max(1, size) }, () => new WorkerClient(build, module));
  }

  /** Runs every job; `onDone` gets each result (or error) as it finishes. Resolves when all are done or cancelled. */
  async runAll(jobs: Job[], onDone: (index: number, outcome: { result?: JobResult; error?: Error }) => void): Promise<void> {
    this.cancelled = false;
    let next = 0;
    await Promise.all(
      this.clients.map(async (client) => {
        while (!this.cancelled && next < jobs.length) {
          const index = next++;
          try {
            onDone(index, { result: await client.run(jobs[index]) });
          } catch (error) {
            if (error instanceof Cancelled) return;
            onDone(index, { error: error as Error });
          }
        }
      }),
    );
  }

  cancel(): void {
    this.cancelled = true;
    for (const client of this.clients) client.cancel();
  }
}

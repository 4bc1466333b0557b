/**
 * Request/response over postMessage between the browser bench pages and their SQLite WASM
 * workers: each request carries an id, the worker answers `{ id, ok, value | error }`
 * (`serveRpc`). The page creates the
 * Worker itself (`new Worker(new URL(…, import.meta.url))` must stay in the page for Vite).
 */
export interface RpcResponse {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export class WorkerRpc<Body extends object> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<RpcResponse>) => {
      const msg = event.data;
      const w = this.waiting.get(msg.id);
      if (w === undefined) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.value);
      else w.reject(new Error(msg.error));
    };
  }

  call(body: Body, transfer: Transferable[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }
}

/** The worker side: answers each request `{ id, … }` with `handle`'s result or its error message. */
export function serveRpc<Req extends { id: number }>(handle: (req: Req) => Promise<unknown>): void {
  const scope = self as unknown as {
    postMessage(message: RpcResponse): void;
    onmessage: ((event: MessageEvent<Req>) => void) | null;
  };
  scope.onmessage = (event) => {
    const req = event.data;
    handle(req).then(
      (value) => scope.postMessage({ id: req.id, ok: true, value }),
      (e: unknown) => scope.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  };
}

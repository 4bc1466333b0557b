// e2e worker: the real worker entry where OPFS sync access handles are missing (as in some
// private windows), so storage 'auto' must fall back to IndexedDB.
import { openEngine } from '../../worker/engine-host.js';
import { serveWorker } from '../../worker/worker-server.js';

Reflect.deleteProperty(globalThis, 'FileSystemSyncAccessHandle');
serveWorker(openEngine);

// e2e worker: the real worker entry in a worker without BroadcastChannel (coordination unavailable).
import { openEngine } from '../../worker/engine-host.js';
import { serveWorker } from '../../worker/worker-server.js';

Reflect.deleteProperty(globalThis, 'BroadcastChannel');
serveWorker(openEngine);

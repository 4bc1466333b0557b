/**
 * The module Dedicated Worker entry (`decentdb/worker`): serves the real engine through
 * engine-host.ts. client.ts spawns it with `new URL('./worker-main.js', import.meta.url)`.
 * Nothing else happens here, so test workers can serve a fake engine the same way.
 */
import { openEngine } from './engine-host.js';
import { serveWorker } from './worker-server.js';

serveWorker(openEngine);

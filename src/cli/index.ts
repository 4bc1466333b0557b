// The `decentdb` command line (Node only, above the engine): argv dispatch, the SQL shell and
// stdin runner, inspect/checkpoint/import/export. bin/decentdb.js is its only runtime caller.
export { main, mainAsync } from './main.js';
export type { CliIo, TerminalStreams } from './cli-io.js';
export { inspectDatabase, inspectFile, valueToJson, type InspectResult, type JsonValue } from './inspect.js';

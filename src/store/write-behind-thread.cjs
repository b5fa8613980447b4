// The thread behind WriteBehind (./write-behind.ts): its own connection to the store, one
// transaction per batch of planned writes, in the order they were submitted. Plain JS so that it
// runs as it is from src/ (tests) and from the package.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file);
for (const p of workerData.pragmas) db.pragma(p);

/** Writes come from a few fixed SQL shapes: each is prepared once. */
const prepared = new Map();
const statement = (sql) => {
  let st = prepared.get(sql);
  if (!st) prepared.set(sql, (st = db.prepare(sql)));
  return st;
};
const runBatch = db.transaction((writes) => {
  for (const w of writes) statement(w.sql).run(w.params);
});

const committed = new Int32Array(workerData.committed);
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    runBatch(m.writes);
  } catch (err) {
    parentPort.postMessage({ seq: m.seq, error: err instanceof Error ? err.message : String(err) });
  }
  // Done either way: a batch that failed is dropped, and whoever waits for it must not hang.
  Atomics.store(committed, 0, m.seq);
  Atomics.notify(committed, 0);
});

/**
 * Worker side of {@link startProcessScan} when the native addon is not loaded: claims pids from the shared counter and scans
 * their fd directories, then posts the flat result back (the triples buffer transferred).
 * @module
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { scanShare, WORKER_SLOT } from './process-scan.js';
import { warningsToWire } from '../model/wire.js';

const { procRoot, pids, ctl } = workerData as { procRoot: string; pids: Int32Array; ctl: Int32Array };
if (Atomics.compareExchange(ctl, WORKER_SLOT, 0, 1) === 0) {
  const r = scanShare(
    procRoot,
    pids,
    ctl,
    (p) => fs.readdirSync(p),
    (p) => fs.readlinkSync(p),
  );
  const triples = r.triples.slice(0, 3 * r.n);
  parentPort!.postMessage({ ...r, triples, warnings: warningsToWire(r.warnings) }, [triples.buffer]);
}

/**
 * tcpstate's library entry: the state table, the socket table, sources, filters, counts.
 * Importing it has no side effects.
 * @module
 */
export * from './model/state.js';
export * from './model/address.js';
export * from './model/errors.js';
export * from './model/table.js';
export * from './model/filter.js';
export * from './model/count.js';
export { parseProcNet, ProcNetParser, readProcNetFile, procNetFiles, type ChunkSink } from './sources/proc-net.js';
export { parseSocketLink } from './sources/processes.js';
export { liveSnapshot, scanLive, attachProcesses, scanOptions, defaultProcRoot } from './snapshot.js';
export type { ScanOptions, LiveSource } from './sources/live.js';
export { configFromEnv, DEFAULT_CONFIG, type ReadConfig } from './sources/config.js';
export { ownerSource, type OwnerSource, type OwnerOptions } from './sources/owners.js';
export { parseCapture, type Capture, type ReadOptions, type ReadResult } from './sources/text/read.js';
export { TEXT_FORMATS, FORMAT_NAMES } from './sources/text/registry.js';
export { detectFormat, scoreAll } from './sources/text/detect.js';
export type { TextFormat, ParsedCapture } from './sources/text/common.js';
export { buildFleet, globMatch, parseGroupSpec, type Fleet, type FleetHost, type GroupSpec } from './model/fleet.js';
export { diffCounts, diffTables, socketKey, type SocketChange, type StateChange } from './model/diff.js';
export { step, allowed, findRow, fsmState, describeState, arrivalEvents, CLOSED_STATE, type FsmState, type StepResult, type StepContext, type Profile } from './fsm/machine.js';
export { ROWS, REFUSALS, FSM_STATES, rowLabel, type Row, type Origin } from './fsm/rfc9293.js';
export { EVENTS, EVENT_IDS, parseEvent, eventInfo, type EventId, type SegmentId } from './fsm/events.js';
export { parseCounterPairs, parseSockstat, readCounters, counter, type Counters, type CounterTable } from './sources/counters.js';
export { parseSysctl, readSysctls, SYSCTLS, type Sysctls } from './sources/sysctl.js';
export { collectInputs, type CollectOptions } from './doctor/collect.js';
export { diagnose, exitStatus, type Report, type Check } from './doctor/diagnose.js';
export { RULES } from './doctor/registry.js';
export type { Finding, Severity } from './doctor/finding.js';
export type { DoctorInputs, Sample } from './doctor/inputs.js';
export { decodeSockDiag, countSockDiag, SockDiagDecoder, type DecodeOptions, type DecodeStats } from './sources/netlink-decode.js';
export { startProcessScan, OwnerIndex } from './sources/process-scan.js';

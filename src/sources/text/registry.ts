/**
 * The captured-text formats, registered by name. Order matters only to break ties in
 * detection: the more common tool first.
 * @module
 */
import { awkFormat } from './awk.js';
import { bsdFormat } from './bsd.js';
import { busyboxFormat } from './busybox.js';
import type { TextFormat } from './common.js';
import { jsonFormat } from './json.js';
import { netstatFormat } from './netstat.js';
import { procFormat } from './proc.js';
import { ssFormat } from './ss.js';
import { windowsFormat } from './windows.js';

/** Every format, by name. */
export const TEXT_FORMATS: Readonly<Record<string, TextFormat>> = {
  netstat: netstatFormat,
  busybox: busyboxFormat,
  ss: ssFormat,
  proc: procFormat,
  awk: awkFormat,
  json: jsonFormat,
  bsd: bsdFormat,
  windows: windowsFormat,
};

/** Names in detection order. */
export const FORMAT_NAMES: readonly string[] = Object.keys(TEXT_FORMATS);

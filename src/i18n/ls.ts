/**
 * The words of `ls` text output that are not netstat's: the `-m` and `-i` column headings
 * (netstat has neither; Proto, Recv-Q, Send-Q, Local Address, Foreign Address, State, User,
 * Inode, PID/Program name and Timer are kept as netstat prints them, in every language).
 * @module
 */
import { type Catalogue, catalogue, sayer } from './catalogue.js';

const EN = {
  memory: 'Memory',
  info: 'Info',
  /** A notice: `-i`/`-m` asked of the proc source. */
  needsNetlink: (flags: string) => `${flags} needs the netlink source: procfs has no TCP internals or socket memory`,
};

const ZH: typeof EN = {
  memory: '内存',
  info: 'TCP 信息',
  needsNetlink: (flags) => `${flags} 需要 netlink 来源：procfs 没有 TCP 内部信息，也没有套接字内存`,
};

export type LsMessages = typeof EN;

export const CATALOGUE: Catalogue<LsMessages> = catalogue(EN, ZH);

/** A message of this domain. */
export const say = sayer('ls', CATALOGUE);

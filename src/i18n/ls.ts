/**
 * The words of `ls` text output that are not netstat's: the `-m` and `-i` column headings
 * (netstat has neither; Proto, Recv-Q, Send-Q, Local Address, Foreign Address, State, User,
 * Inode, PID/Program name and Timer are kept as netstat prints them, in every language).
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  memory: 'Memory',
  info: 'Info',
};

const ZH: typeof EN = {
  memory: '内存',
  info: 'TCP 信息',
};

export type LsMessages = typeof EN;

export const CATALOGUE: Catalogue<LsMessages> = catalogue(EN, ZH);

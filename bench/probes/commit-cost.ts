/**
 * What one SQLite commit costs on a filesystem, with Parley's pragmas (WAL) and with
 * synchronous=FULL (Parley's: the WAL is fsynced on every commit) against NORMAL (it is not).
 * The difference is the fsync a Parley message pays before its ack.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

export interface CommitCost {
  filesystem: string;
  /** Mean ms per single-row commit. */
  fullMs: number;
  normalMs: number;
}

const COMMITS = 300;

export function measureCommitCost(parentDir: string): CommitCost {
  return {
    filesystem: describeFilesystem(parentDir),
    fullMs: timeCommits(parentDir, 'FULL'),
    normalMs: timeCommits(parentDir, 'NORMAL'),
  };
}

function timeCommits(parentDir: string, synchronous: 'FULL' | 'NORMAL'): number {
  const dir = fs.mkdtempSync(path.join(parentDir, 'parley-commit-probe-'));
  const db = new SQLite(path.join(dir, 'probe.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('create table messages (id integer primary key, body text not null)');
    const insert = db.prepare('insert into messages (body) values (?)');
    const commit = db.transaction((body: string) => insert.run(body));
    const started = performance.now();
    for (let i = 0; i < COMMITS; i++) commit(`message ${i}`);
    return (performance.now() - started) / COMMITS;
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// statfs(2) magic numbers of the filesystems a bench is likely to meet.
const FILESYSTEMS: Record<number, string> = {
  0xef53: 'ext4',
  0x01021994: 'tmpfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
};

/** "ext4 (/tmp)": the filesystem type of a directory, by name where it is a common one. */
export function describeFilesystem(dir: string): string {
  const type = fs.statfsSync(dir).type;
  return `${FILESYSTEMS[type] ?? `type 0x${type.toString(16)}`} (${dir})`;
}

/**
 * A real nginx (Debian's /usr/sbin/nginx) running the shipped deploy/nginx/parley.conf, with only
 * what a test machine must change swapped in: the upstream nodes, the listening ports (loopback,
 * IPv4 and IPv6), the host name and a self-signed certificate. Its own prefix directory, pid file
 * and logs, so it runs beside any nginx the machine has.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const NGINX = process.env.PARLEY_NGINX ?? '/usr/sbin/nginx';
export const SHIPPED_CONF = path.resolve(import.meta.dirname, '../../deploy/nginx/parley.conf');

export interface NginxOptions {
  /** `host:port` of each Parley node, in upstream order. */
  nodes: string[];
  httpsPort: number;
  httpPort: number;
  /** The public host name (the certificate is made for it). */
  hostName: string;
}

export interface RunningNginx {
  /** The self-signed certificate, PEM, for clients that verify it. */
  certificate: string;
  /**
   * Access log lines: `remote_addr upstream_addr status "request"`. The upstream is `-` when nginx
   * answered itself, and lists each node tried (`a, b`) when the first one failed.
   */
  accessLog(): AccessLogLine[];
  stop(): Promise<void>;
}

export interface AccessLogLine {
  client: string;
  upstream: string;
  status: number;
  request: string;
}

/** Replaces `search`, which must occur exactly `count` times: the shipped file changed otherwise. */
function replaceExactly(text: string, search: string, replacement: string, count: number): string {
  const found = text.split(search).length - 1;
  if (found !== count) {
    throw new Error(
      `deploy/nginx/parley.conf: expected ${count} × "${search}", found ${found}; update test/e2e/nginx.ts`,
    );
  }
  return text.replaceAll(search, replacement);
}

/** The shipped site configuration with this machine's nodes, ports, name and certificate. */
export function siteConfigForTest(
  shipped: string,
  options: NginxOptions,
  certificate: { cert: string; key: string },
): string {
  const upstreamLine = /^( *)server 10\.0\.0\.\d+:8080( [^;\n]*)?;\n/gm;
  const lines = [...shipped.matchAll(upstreamLine)];
  if (lines.length < 2) {
    throw new Error('deploy/nginx/parley.conf: expected the sample upstream servers 10.0.0.x:8080');
  }
  const [indent = '', parameters = ''] = [lines[0]![1], lines[0]![2]];
  let conf = shipped.replace(upstreamLine, (line) =>
    line === lines[0]![0]
      ? options.nodes.map((node) => `${indent}server ${node}${parameters};\n`).join('')
      : '',
  );
  const { httpsPort, httpPort } = options;
  conf = replaceExactly(
    conf,
    'listen 443 ssl http2;',
    `listen 127.0.0.1:${httpsPort} ssl http2;`,
    1,
  );
  conf = replaceExactly(
    conf,
    'listen [::]:443 ssl http2;',
    `listen [::1]:${httpsPort} ssl http2;`,
    1,
  );
  conf = replaceExactly(conf, 'listen 80;', `listen 127.0.0.1:${httpPort};`, 1);
  conf = replaceExactly(conf, 'listen [::]:80;', `listen [::1]:${httpPort};`, 1);
  conf = replaceExactly(
    conf,
    'server_name chat.example.com;',
    `server_name ${options.hostName};`,
    2,
  );
  conf = replaceExactly(conf, '/etc/ssl/parley/fullchain.pem', certificate.cert, 1);
  conf = replaceExactly(conf, '/etc/ssl/parley/privkey.pem', certificate.key, 1);
  return conf;
}

/** The main configuration around the site file: everything nginx writes stays in `dir`. */
function mainConfig(dir: string, site: string): string {
  // As root, nginx runs its workers as `nobody`, who could not enter the private temp dir.
  const user = process.getuid?.() === 0 ? `user ${os.userInfo().username};\n` : '';
  return `${user}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  log_format parley_test '$remote_addr $upstream_addr $status "$request"';
  access_log ${dir}/access.log parley_test;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${site};
}
`;
}

export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  if (!fs.existsSync(NGINX)) throw new Error(`No nginx at ${NGINX}: apt-get install nginx`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-nginx-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      `/CN=${options.hostName}`,
      '-addext',
      `subjectAltName=DNS:${options.hostName}`,
    ],
    { stdio: 'ignore' },
  );
  const site = path.join(dir, 'parley.conf');
  fs.writeFileSync(
    site,
    siteConfigForTest(fs.readFileSync(SHIPPED_CONF, 'utf8'), options, { cert, key }),
  );
  const main = path.join(dir, 'nginx.conf');
  fs.writeFileSync(main, mainConfig(dir, site));

  const child = spawn(NGINX, ['-p', dir, '-c', main, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(options.httpsPort, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    certificate: fs.readFileSync(cert, 'utf8'),
    accessLog: () => readAccessLog(path.join(dir, 'access.log')),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited during start:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nginx did not listen on ${port}:\n${output()}`);
}

function readAccessLog(file: string): AccessLogLine[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, client = '', upstream = '', status = '0', request = ''] =
        /^(\S+) (.+) (\d{3}) "(.*)"$/.exec(line) ?? [];
      return { client, upstream, status: Number(status), request };
    });
}

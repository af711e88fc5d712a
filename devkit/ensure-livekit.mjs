#!/usr/bin/env node
// Finds (or installs) the pinned open-source livekit-server binary.
//
// Plain Node ESM, no dependencies, so that it can run before `npm install`.
//
// Lookup order:
//   1. $LIVEKIT_SERVER_BIN (must exist and be executable; no fallback when set)
//   2. `livekit-server` on PATH (brew / official installer name)
//   3. `server` on PATH, only if `server --version` prints "livekit-server"
//   4. $(go env GOPATH)/bin/server, then ~/go/bin/server
//   5. `go install github.com/livekit/livekit-server/cmd/server@v1.13.5`
//
// The found binary's version is compared with the pin; a different version is a
// warning, not an error (the behaviour notes in docs/notes/livekit-behaviour.md were
// measured against 1.13.5).
//
// Usage:  node devkit/ensure-livekit.mjs   -> prints the binary path on stdout
//         import { findOrInstallLivekit } from '../devkit/ensure-livekit.mjs'

import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIVEKIT_VERSION = '1.13.5';
export const LIVEKIT_GO_PACKAGE = `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}`;

const EXE = process.platform === 'win32' ? '.exe' : '';

function isExecutableFile(p) {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function whichAll(name) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const out = [];
  for (const d of dirs) {
    const p = join(d, name + EXE);
    if (isExecutableFile(p) && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Runs `<bin> --version`; returns e.g. { isLivekit: true, version: '1.13.5', raw } or null. */
export function livekitVersionOf(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  const raw = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  // "livekit-server version 1.13.5"
  const m = /livekit-server\s+version\s+v?(\S+)/i.exec(raw);
  return { isLivekit: /livekit-server/i.test(raw), version: m ? m[1] : null, raw };
}

function goBinary() {
  const r = spawnSync('go', ['env', 'GOPATH', 'GOBIN'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return null;
  const [gopath = '', gobin = ''] = r.stdout.split(/\r?\n/);
  return { gopath: gopath.trim().split(delimiter)[0] ?? '', gobin: gobin.trim() };
}

function installHelp() {
  return [
    `Install livekit-server ${LIVEKIT_VERSION} with one of:`,
    `  go install ${LIVEKIT_GO_PACKAGE}   (its go.mod needs Go 1.26; Go >= 1.21 fetches that toolchain itself; binary: $(go env GOPATH)/bin/server)`,
    `  brew install livekit                      (macOS / Linuxbrew; binary: livekit-server)`,
    `  curl -sSL https://get.livekit.io | bash   (official installer; binary: livekit-server)`,
    `or point LIVEKIT_SERVER_BIN at an existing livekit-server binary.`,
  ].join('\n');
}

function checkVersion(bin, log) {
  const v = livekitVersionOf(bin);
  if (!v) {
    log(`warning: could not run "${bin} --version"`);
    return;
  }
  if (v.version !== LIVEKIT_VERSION) {
    log(
      `warning: ${bin} is livekit-server ${v.version ?? '(unknown version)'}, the project pins ${LIVEKIT_VERSION}; ` +
        `behaviour may differ (see docs/notes/livekit-behaviour.md)`,
    );
  }
}

function runGoInstall(log) {
  return new Promise((resolve, reject) => {
    log(`installing livekit-server: go install ${LIVEKIT_GO_PACKAGE} (this compiles from source and can take a few minutes)`);
    const child = spawn('go', ['install', '-v', LIVEKIT_GO_PACKAGE], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    const tail = [];
    let count = 0;
    const onData = (buf) => {
      for (const line of buf.toString('utf8').split(/\r?\n/)) {
        if (!line.trim()) continue;
        count++;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        // `go install -v` prints one line per package built: stream them as progress.
        log(`  go: ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new Error(`could not run go: ${err.message}\n${installHelp()}`)));
    child.on('close', (code) => {
      if (code === 0) {
        log(`go install finished (${count} progress lines)`);
        resolve();
      } else {
        reject(new Error(`go install ${LIVEKIT_GO_PACKAGE} failed with exit code ${code}:\n${tail.join('\n')}\n\n${installHelp()}`));
      }
    });
  });
}

/**
 * Returns the absolute path of a livekit-server binary, installing the pinned
 * version with `go install` if none is found.
 * @param {{ log?: (msg: string) => void, install?: boolean }} [opts]
 * @returns {Promise<string>}
 */
export async function findOrInstallLivekit({ log = (m) => console.error(`[ensure-livekit] ${m}`), install = true } = {}) {
  // 1. explicit override
  const fromEnv = process.env.LIVEKIT_SERVER_BIN;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) {
      throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} is not an executable file.\n${installHelp()}`);
    }
    checkVersion(fromEnv, log);
    return fromEnv;
  }

  // 2. livekit-server on PATH
  for (const p of whichAll('livekit-server')) {
    const v = livekitVersionOf(p);
    if (v?.isLivekit) {
      checkVersion(p, log);
      return p;
    }
  }

  // 3. `server` on PATH (go install names the binary after the package dir)
  for (const p of whichAll('server')) {
    const v = livekitVersionOf(p);
    if (v?.isLivekit) {
      checkVersion(p, log);
      return p;
    }
  }

  // 4. Go's bin directories
  const go = goBinary();
  const candidates = [];
  if (go?.gobin) candidates.push(join(go.gobin, 'server' + EXE));
  if (go?.gopath) candidates.push(join(go.gopath, 'bin', 'server' + EXE));
  candidates.push(join(homedir(), 'go', 'bin', 'server' + EXE));
  for (const p of [...new Set(candidates)]) {
    if (!isExecutableFile(p)) continue;
    const v = livekitVersionOf(p);
    if (v?.isLivekit) {
      checkVersion(p, log);
      return p;
    }
  }

  // 5. install
  if (!install) throw new Error(`livekit-server not found.\n${installHelp()}`);
  if (!go) {
    throw new Error(`livekit-server not found and Go is not installed (no \`go\` on PATH).\n${installHelp()}`);
  }
  await runGoInstall(log);
  const installed = join(go.gobin || join(go.gopath || join(homedir(), 'go'), 'bin'), 'server' + EXE);
  const v = isExecutableFile(installed) ? livekitVersionOf(installed) : null;
  if (!v?.isLivekit) {
    throw new Error(`go install reported success but ${installed} is not a working livekit-server binary.\n${installHelp()}`);
  }
  checkVersion(installed, log);
  log(`installed ${installed}`);
  return installed;
}

// CLI: print the path.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  findOrInstallLivekit()
    .then((p) => {
      process.stdout.write(p + '\n');
    })
    .catch((err) => {
      console.error(`[ensure-livekit] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}

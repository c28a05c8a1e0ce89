// Adds to package-lock.json the platform-specific optional packages that this workplace's npm
// registry mirror does not carry (Biome's macOS, Windows, musl and Android binaries). npm leaves an
// optional dependency it cannot resolve out of the lockfile, and `npm ci` then refuses the lockfile
// as out of sync. Each added entry carries the os/cpu/libc constraints the package declares, so npm
// installs it only on that platform (fetching it from a full registry there) and skips it here.
// Run after `npm install` when `npm ci` reports "Missing: @biomejs/cli-… from lock file".
import { readFileSync, writeFileSync } from 'node:fs'

const PLATFORMS = {
  '@biomejs/cli-win32-x64': { os: ['win32'], cpu: ['x64'] },
  '@biomejs/cli-win32-arm64': { os: ['win32'], cpu: ['arm64'] },
  '@biomejs/cli-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  '@biomejs/cli-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@biomejs/cli-linux-x64': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  '@biomejs/cli-linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  '@biomejs/cli-linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  '@biomejs/cli-linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  '@biomejs/cli-android-x64': { os: ['android'], cpu: ['x64'] },
  '@biomejs/cli-android-arm64': { os: ['android'], cpu: ['arm64'] },
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
const biome = lock.packages['node_modules/@biomejs/biome']
if (!biome) throw new Error('package-lock.json has no @biomejs/biome')
let added = 0
for (const [name, version] of Object.entries(biome.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`
  if (lock.packages[key]) continue
  const platform = PLATFORMS[name]
  if (!platform)
    throw new Error(`unknown platform package ${name}: add its os/cpu to scripts/complete-lockfile.mjs`)
  lock.packages[key] = {
    version,
    ...(platform.cpu && { cpu: platform.cpu }),
    dev: true,
    ...(platform.libc && { libc: platform.libc }),
    license: biome.license,
    optional: true,
    os: platform.os,
    engines: biome.engines,
  }
  added++
}
// npm keeps `packages` sorted by path; keep the file as npm would write it.
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
)
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`)
console.log(
  added > 0
    ? `added ${added} platform package(s) to package-lock.json`
    : 'package-lock.json already complete',
)

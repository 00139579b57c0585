// Run after `npm install` changes package-lock.json.
//
// The registry this project installs from does not carry every platform build of packages
// that ship native binaries (darwin, windows, android… builds of next's SWC, tailwind's
// oxide, rollup). npm leaves those optional packages out of the lock file, and `npm ci` then
// refuses the lock as out of sync. This adds each missing optional package back, marked with
// the os/cpu/libc its name states, so `npm ci` skips it on machines it doesn't fit.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const lockPath = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const packages = lock.packages;
const added = [];

for (const [location, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    if (resolves(location, name)) continue;
    packages[`node_modules/${name}`] = {
      version: range.replace(/^[~^=]/, ""),
      optional: true,
      ...(meta.dev ? { dev: true } : {}),
      ...platformOf(name),
    };
    added.push(name);
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added.length
    ? `added ${added.length} optional platform packages:\n  ${added.join("\n  ")}`
    : "the lock file lists every optional package",
);

/** Whether Node's lookup from `location` finds `name` in the lock (nested, then hoisted). */
function resolves(location, name) {
  for (
    let dir = location;
    ;
    dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : ""
  ) {
    if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
    if (!dir) return false;
  }
}

function platformOf(name) {
  const base = name.split("/").pop();
  const os = [
    "android",
    "darwin",
    "freebsd",
    "linux",
    "win32",
    "openharmony",
    "netbsd",
    "openbsd",
    "sunos",
    "aix",
  ].find((o) => base.includes(o));
  const cpu = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "wasm32"].find((c) =>
    new RegExp(`(^|-)${c}($|-)`).test(base),
  );
  const libc = base.includes("musl") ? "musl" : os === "linux" && base.includes("gnu") ? "glibc" : undefined;
  return { ...(cpu ? { cpu: [cpu] } : {}), ...(os ? { os: [os] } : {}), ...(libc ? { libc: [libc] } : {}) };
}

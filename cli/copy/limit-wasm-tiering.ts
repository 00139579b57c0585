import v8 from "node:v8";

/**
 * Keeps undici's WebAssembly HTTP parser on V8's baseline (Liftoff) code. Tiering it up to
 * TurboFan costs a ~35 MB transient compile in the middle of a copy and buys nothing here:
 * the parser only frames bodies whose bytes go straight through (bench/copy.sh measured no
 * throughput change). TurboFan stays available for functions Liftoff cannot compile.
 * Process-wide, so only CLI commands call it, before their first request.
 */
export function limitWasmTiering(): void {
  v8.setFlagsFromString("--wasm-tiering-budget=2000000000");
}

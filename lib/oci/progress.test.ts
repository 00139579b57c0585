import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressThrottle, type CopyProgressEvent } from "./progress";

const blob = (bytesDone: number, state: "transferring" | "uploaded" = "transferring"): CopyProgressEvent => ({
  type: "blob",
  imageIndex: 0,
  digest: "sha256:x",
  state,
  bytesDone,
  bytesTotal: 100,
});
const image = (state: "transferring" | "pushed", bytesDone: number): CopyProgressEvent => ({
  type: "image",
  imageIndex: 0,
  source: "s",
  target: "t",
  state,
  bytesDone,
  bytesTotal: 100,
  blobsDone: 0,
  blobsTotal: 1,
});

describe("ProgressThrottle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps the latest event per blob and image, at most every 100 ms", () => {
    const seen: CopyProgressEvent[] = [];
    const throttle = new ProgressThrottle(
      (e) => seen.push(e),
      100,
      () => Date.now(),
    );
    for (let i = 1; i <= 50; i++) throttle.push(blob(i));
    throttle.push(image("transferring", 50));
    expect(seen).toHaveLength(0);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([blob(50), image("transferring", 50)]);
    for (let i = 0; i < 1000; i++) {
      throttle.push(blob(51 + (i % 40)));
      vi.advanceTimersByTime(1);
    }
    expect(seen.length).toBeLessThanOrEqual(2 + 11);
  });

  it("flushes at once when an image ends, and survives a throwing listener", () => {
    const seen: CopyProgressEvent[] = [];
    const throttle = new ProgressThrottle((e) => {
      seen.push(e);
      throw new Error("listener bug");
    });
    throttle.push(blob(100, "uploaded"));
    throttle.push(image("pushed", 100));
    expect(seen.map((e) => e.state)).toEqual(["uploaded", "pushed"]);
  });
});

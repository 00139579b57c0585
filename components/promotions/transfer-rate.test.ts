import { describe, expect, it } from "vitest";
import {
  appendSample,
  estimateSecondsLeft,
  formatDuration,
  throughputSeries,
  transferRate,
  type ProgressSample,
} from "./transfer-rate";

describe("transferRate", () => {
  it("is the bytes moved over the window before now", () => {
    const samples: ProgressSample[] = [
      { at: 0, bytes: 0 },
      { at: 1_000, bytes: 1_000_000 },
      { at: 2_000, bytes: 2_000_000 },
      { at: 6_000, bytes: 6_000_000 },
    ];
    expect(transferRate(samples, 6_000, 4_000)).toBeCloseTo(1_000_000);
    expect(transferRate(samples.slice(0, 1), 1_000)).toBeNull();
  });

  it("drops to zero when nothing arrived within the window", () => {
    const samples = [
      { at: 0, bytes: 0 },
      { at: 1_000, bytes: 5_000 },
    ];
    expect(transferRate(samples, 10_000, 4_000)).toBe(0);
  });
});

describe("appendSample", () => {
  it("collapses a burst into one point per interval, keeping the latest value", () => {
    let samples: ProgressSample[] = [];
    for (let at = 0; at <= 1_000; at += 50) samples = appendSample(samples, { at, bytes: at * 10 });
    expect(samples.length).toBeLessThanOrEqual(6);
    expect(samples.at(-1)).toEqual({ at: 1_000, bytes: 10_000 });
    expect(samples[0]).toEqual({ at: 0, bytes: 0 });
  });

  it("starts again when the bytes go down (a retried image starts over)", () => {
    const samples = appendSample(
      [
        { at: 0, bytes: 0 },
        { at: 1_000, bytes: 900 },
      ],
      { at: 2_000, bytes: 100 },
    );
    expect(samples).toEqual([{ at: 2_000, bytes: 100 }]);
  });
});

describe("throughputSeries", () => {
  it("gives a rate per sample, never negative", () => {
    const series = throughputSeries(
      [
        { at: 0, bytes: 0 },
        { at: 1_000, bytes: 2_000 },
        { at: 2_000, bytes: 4_000 },
      ],
      4_000,
    );
    expect(series).toEqual([
      { at: 1_000, rate: 2_000 },
      { at: 2_000, rate: 2_000 },
    ]);
  });
});

describe("estimateSecondsLeft and formatDuration", () => {
  it("says nothing without a rate and zero when done", () => {
    expect(estimateSecondsLeft(1_000, null)).toBeNull();
    expect(estimateSecondsLeft(1_000, 0)).toBeNull();
    expect(estimateSecondsLeft(0, null)).toBe(0);
    expect(estimateSecondsLeft(1_000, 100)).toBe(10);
  });

  it("reads as minutes and seconds", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(125)).toBe("2 min 05 s");
    expect(formatDuration(3_720)).toBe("1 h 02 min");
  });
});

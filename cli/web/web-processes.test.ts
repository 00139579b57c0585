import { describe, expect, it } from "vitest";
import { webProcessCount } from "./web-processes";

describe("webProcessCount (GANTRY_WEB_PROCESSES)", () => {
  it("runs one web process per core by default, at most two", () => {
    expect(webProcessCount(undefined, 1)).toBe(1);
    expect(webProcessCount(undefined, 2)).toBe(2);
    expect(webProcessCount("", 8)).toBe(2);
  });

  it("takes the operator's count, and names the variable when it is not one", () => {
    expect(webProcessCount("1", 8)).toBe(1);
    expect(webProcessCount("4", 2)).toBe(4);
    for (const bad of ["0", "17", "1.5", "two"])
      expect(() => webProcessCount(bad, 2)).toThrow(/GANTRY_WEB_PROCESSES must be a whole number from 1 to 16/);
  });
});

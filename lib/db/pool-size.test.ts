import { describe, expect, it } from "vitest";
import { dbPoolSize } from "./pool-size";

describe("dbPoolSize (GANTRY_DB_POOL_SIZE)", () => {
  it("holds up to 20 connections per process by default, or the operator's number", () => {
    expect(dbPoolSize(undefined)).toBe(20);
    expect(dbPoolSize(" ")).toBe(20);
    expect(dbPoolSize("5")).toBe(5);
  });

  it("names the variable and what it takes when the setting is not a number of connections", () => {
    for (const bad of ["0", "201", "2.5", "many"])
      expect(() => dbPoolSize(bad)).toThrow(/GANTRY_DB_POOL_SIZE must be a whole number from 1 to 200/);
  });
});

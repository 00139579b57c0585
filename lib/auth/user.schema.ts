import { z } from "zod";
import { roles } from "./roles";

export const emailSchema = z
  .string({ error: "Email is required" })
  .trim()
  .toLowerCase()
  .min(3, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email({ error: "Email must be an address like name@example.com" }));

export const passwordSchema = z
  .string({ error: "Password is required" })
  .min(12, "Password must be at least 12 characters")
  .max(256, "Password must be at most 256 characters");

export const roleSchema = z.enum(roles, { error: `Role must be one of ${roles.join(", ")}` });

export const nameSchema = z.string().trim().max(120, "Name must be at most 120 characters").optional();

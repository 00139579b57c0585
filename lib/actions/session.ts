"use server";

import { signOutEverywhere } from "@/lib/auth/sign-out-everywhere";
import { defineAction } from "./action-client";

export const endAllSessions = defineAction(signOutEverywhere);

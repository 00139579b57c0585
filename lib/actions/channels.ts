"use server";

import { createChannel } from "@/lib/releases/create-channel";
import { deleteChannel } from "@/lib/releases/delete-channel";
import { setSignaturePolicy } from "@/lib/releases/signature-policy";
import { setTrustedRoot } from "@/lib/releases/trusted-root-setting";
import { syncChannel } from "@/lib/releases/sync-channel";
import { updateChannel } from "@/lib/releases/update-channel";
import { defineAction } from "./action-client";

export const addChannel = defineAction(createChannel, { revalidate: "/releases" });

export const editChannel = defineAction(updateChannel, { revalidate: "/releases" });

export const removeChannel = defineAction(deleteChannel, { revalidate: "/releases" });

export const syncChannelNow = defineAction(syncChannel, { revalidate: "/releases" });

export const saveSignaturePolicy = defineAction(setSignaturePolicy, { revalidate: "/releases" });

export const uploadTrustedRoot = defineAction(setTrustedRoot, { revalidate: "/releases" });

"use server";

import { createWebhook } from "@/lib/webhooks/create-webhook";
import { deleteWebhook } from "@/lib/webhooks/delete-webhook";
import { redeliverWebhook } from "@/lib/webhooks/redeliver-webhook";
import { sendTestWebhook } from "@/lib/webhooks/send-test-webhook";
import { updateWebhook } from "@/lib/webhooks/update-webhook";
import { defineAction } from "./action-client";

export const addWebhook = defineAction(createWebhook, { revalidate: "/settings/webhooks" });

export const editWebhook = defineAction(updateWebhook, { revalidate: "/settings/webhooks" });

export const removeWebhook = defineAction(deleteWebhook, { revalidate: "/settings/webhooks" });

export const testWebhook = defineAction(sendTestWebhook, { revalidate: "/settings/webhooks" });

export const redeliverWebhookDelivery = defineAction(redeliverWebhook, { revalidate: "/settings/webhooks" });

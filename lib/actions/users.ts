"use server";

import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { createUser, updateUser } from "@/lib/users/user-changes";
import { defineAction } from "./action-client";

export const addUser = defineAction(createUser, { revalidate: "/settings/users" });

export const changeUser = defineAction(updateUser, { revalidate: "/settings/users" });

export const addApiToken = defineAction(createApiToken, { revalidate: "/settings/tokens" });

export const removeApiToken = defineAction(revokeApiToken, { revalidate: "/settings/tokens" });

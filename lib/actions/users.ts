"use server";

import { revalidatePath } from "next/cache";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { createUser, updateUser } from "@/lib/users/user-changes";
import { defineAction } from "./action-client";

const createUserAction = defineAction(createUser);
const updateUserAction = defineAction(updateUser);
const createTokenAction = defineAction(createApiToken);
const revokeTokenAction = defineAction(revokeApiToken);

export async function addUser(input: Parameters<typeof createUserAction>[0]) {
  const result = await createUserAction(input);
  if (result.ok) revalidatePath("/settings/users");
  return result;
}

export async function changeUser(input: Parameters<typeof updateUserAction>[0]) {
  const result = await updateUserAction(input);
  if (result.ok) revalidatePath("/settings/users");
  return result;
}

export async function addApiToken(input: Parameters<typeof createTokenAction>[0]) {
  const result = await createTokenAction(input);
  if (result.ok) revalidatePath("/settings/tokens");
  return result;
}

export async function removeApiToken(input: Parameters<typeof revokeTokenAction>[0]) {
  const result = await revokeTokenAction(input);
  if (result.ok) revalidatePath("/settings/tokens");
  return result;
}

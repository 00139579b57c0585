"use server";

import { createConnection } from "@/lib/connections/create-connection";
import { createConnectionRepository } from "@/lib/connections/create-connection-repository";
import { deleteConnection } from "@/lib/connections/delete-connection";
import { testSavedConnection } from "@/lib/connections/test-saved-connection";
import { updateConnection } from "@/lib/connections/update-connection";
import { defineAction } from "./action-client";

export const addRegistry = defineAction(createConnection, { revalidate: "/registries" });

export const editRegistry = defineAction(updateConnection, { revalidate: "/registries" });

export const removeRegistry = defineAction(deleteConnection, { revalidate: "/registries" });

export const testRegistry = defineAction(testSavedConnection, { revalidate: "/registries" });

export const addRegistryRepository = defineAction(createConnectionRepository);

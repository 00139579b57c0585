import { apiChange, apiRead } from "@/lib/api/api-route";
import { getTrustedRootStatus, setTrustedRoot } from "@/lib/releases/trusted-root-setting";

/** `GET` → whether a trusted root is uploaded and when its keys end; `PUT {"trustedRoot": {…trusted_root.json}}` (admins). */
export const GET = apiRead({ permission: "releases.read", read: () => getTrustedRootStatus() });

export const PUT = apiChange(setTrustedRoot);

import { apiRead } from "@/lib/api/api-route";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { db } from "@/lib/db/prisma";

/** `POST /api/v1/audit/verify` (admins): walks the whole chain and answers the verdict. */
export const POST = apiRead({ permission: "audit.verify", read: () => verifyAuditChain(db()) });

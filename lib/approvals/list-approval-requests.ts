import "server-only";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/prisma";
import { loadApprovalStates, type ApprovalState } from "./approval-state";

export interface ApprovalRequest {
  state: ApprovalState;
  release: { id: string; tag: string; channelName: string };
  target: { id: string; name: string; endpoint: string };
  images: { component: string; target: string; digest: string; size: number }[];
  createdAt: string;
  /** This user may decide it now: an approver who did not request it and has not approved the current plan. */
  awaitsYou: boolean;
}

/** Promotions waiting for approval, oldest first (the next to expire on top). */
export async function listApprovalRequests(viewer: { id: string; role: Role }): Promise<ApprovalRequest[]> {
  const promotions = await db().promotion.findMany({
    where: { status: "awaiting_approval" },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: {
      id: true,
      createdAt: true,
      release: { select: { id: true, tag: true, channel: { select: { name: true } } } },
      targetRegistry: { select: { id: true, name: true, endpoint: true } },
      images: {
        select: { component: true, targetRef: true, digest: true, bytesTotal: true },
        orderBy: { component: "asc" },
      },
    },
  });
  const states = await loadApprovalStates(
    db(),
    promotions.map((p) => p.id),
  );
  const requests: ApprovalRequest[] = [];
  for (const promotion of promotions) {
    const state = states.get(promotion.id);
    if (!state || state.expired) continue;
    requests.push({
      state,
      release: { id: promotion.release.id, tag: promotion.release.tag, channelName: promotion.release.channel.name },
      target: promotion.targetRegistry,
      images: promotion.images.map((i) => ({
        component: i.component,
        target: i.targetRef,
        digest: i.digest,
        size: Number(i.bytesTotal),
      })),
      createdAt: promotion.createdAt.toISOString(),
      awaitsYou: awaits(state, viewer),
    });
  }
  return requests;
}

/**
 * How many requests this user could decide now: the count beside Approvals in the navigation.
 * Every console page shows it, so it reads no more than it needs: one small query for the
 * waiting requests someone else made (usually none), and the approval state of only those —
 * not the images, release and target of every waiting request, as the Approvals page does.
 */
export async function countApprovalsAwaiting(viewer: { id: string; role: Role }): Promise<number> {
  if (!can(viewer.role, "approvals.decide")) return 0;
  const others = await db().promotion.findMany({
    where: { status: "awaiting_approval", OR: [{ requestedById: null }, { requestedById: { not: viewer.id } }] },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: { id: true },
  });
  const states = await loadApprovalStates(
    db(),
    others.map((p) => p.id),
  );
  return [...states.values()].filter((state) => !state.expired && awaits(state, viewer)).length;
}

function awaits(state: ApprovalState, viewer: { id: string; role: Role }): boolean {
  return (
    can(viewer.role, "approvals.decide") &&
    state.requestedById !== viewer.id &&
    !state.approvals.some((a) => a.userId === viewer.id)
  );
}

import { db, type Tx } from "@/lib/db/prisma";
import { planHash } from "@/lib/promotions/plan-hash";
import type { PromotionPlan } from "@/lib/promotions/promotion-plan";
import { approvalExpiresAt } from "./approval-expiry";

export interface ApprovalVote {
  userId: string;
  email: string;
  decision: "approve" | "reject";
  comment: string;
  override: boolean;
  at: string;
}

export interface VoidApproval extends ApprovalVote {
  /** Why it no longer counts, as the page shows it. */
  reason: string;
}

export interface DigestChange {
  component: string;
  from: string;
  to: string;
}

/** Where a promotion stands with its approval policy: who approved the current plan, and whose approvals are void. */
export interface ApprovalState {
  promotionId: string;
  status: string;
  required: number;
  requestedById: string | null;
  requestedBy: string | null;
  planHash: string | null;
  /** Approvals of the current plan (an override counts as all of them). */
  approvals: ApprovalVote[];
  rejections: ApprovalVote[];
  void: VoidApproval[];
  /** The release was re-synced with other digests since the plan was made: deciding re-plans it. */
  planChanged: DigestChange[] | null;
  expiresAt: string;
  expired: boolean;
  satisfied: boolean;
  /**
   * Evidence for approvers under a signature policy: who signed each component, as checked when
   * the plan was made (for its digest; a component whose digest moved since shows "unchecked").
   * Null when the channel's policy was off.
   */
  signatures: ComponentSignature[] | null;
}

export interface ComponentSignature {
  component: string;
  status: "verified" | "unsigned" | "invalid" | "unchecked";
  signers: string[];
  reason: string | null;
}

const promotionSelect = {
  id: true,
  status: true,
  approvalsRequired: true,
  requestedById: true,
  requestedBy: { select: { email: true } },
  planHash: true,
  plan: true,
  targetRegistryId: true,
  repositoryMapping: true,
  createdAt: true,
  expiresAt: true,
  images: { select: { id: true, component: true, digest: true } },
  release: { select: { images: { select: { repository: true, digest: true } } } },
  approvals: {
    select: {
      userId: true,
      decision: true,
      comment: true,
      override: true,
      planHash: true,
      createdAt: true,
      user: { select: { email: true } },
    },
    orderBy: { createdAt: "asc" as const },
  },
};

/**
 * Reads a promotion's approvals against its plan. An approval binds to the plan hash it
 * was given on (release digests, target, mapping): when the plan was re-made — a re-sync
 * changed a digest — earlier approvals are void and the state says why.
 */
export async function loadApprovalState(tx: Tx, promotionId: string, now = new Date()): Promise<ApprovalState | null> {
  return (await loadApprovalStates(tx, [promotionId], now)).get(promotionId) ?? null;
}

/**
 * loadApprovalState for several promotions, by id, in the same few queries however many there
 * are (one per relation, not one set per promotion); ids with no promotion are left out.
 */
export async function loadApprovalStates(
  tx: Tx,
  promotionIds: string[],
  now = new Date(),
): Promise<Map<string, ApprovalState>> {
  if (promotionIds.length === 0) return new Map();
  const promotions = await tx.promotion.findMany({ where: { id: { in: promotionIds } }, select: promotionSelect });
  return new Map(promotions.map((promotion) => [promotion.id, approvalStateOf(promotion, now)]));
}

function approvalStateOf(promotion: LoadedPromotion, now: Date): ApprovalState {
  const planChanged = digestChanges(promotion);
  const votes = promotion.approvals.map((a) => ({
    vote: {
      userId: a.userId,
      email: a.user.email,
      decision: a.decision,
      comment: a.comment,
      override: a.override,
      at: a.createdAt.toISOString(),
    } satisfies ApprovalVote,
    current: a.planHash === promotion.planHash && !planChanged,
  }));
  const voidReason = planChanged
    ? `the release changed after this decision (${planChanged.map((c) => `${c.component} ${short(c.from)} → ${short(c.to)}`).join(", ")})`
    : "given on an earlier plan of this promotion; the release's digests changed since";
  const approvals = votes.filter((v) => v.current && v.vote.decision === "approve").map((v) => v.vote);
  const expiresAt = approvalExpiresAt(promotion.createdAt, promotion.expiresAt);
  return {
    promotionId: promotion.id,
    status: promotion.status,
    required: promotion.approvalsRequired,
    requestedById: promotion.requestedById,
    requestedBy: promotion.requestedBy?.email ?? null,
    planHash: promotion.planHash,
    approvals,
    rejections: votes.filter((v) => v.current && v.vote.decision === "reject").map((v) => v.vote),
    void: votes.filter((v) => !v.current).map((v) => ({ ...v.vote, reason: voidReason })),
    planChanged,
    expiresAt: expiresAt.toISOString(),
    expired: promotion.status === "awaiting_approval" && expiresAt.getTime() <= now.getTime(),
    satisfied: approvals.some((a) => a.override) || approvals.length >= promotion.approvalsRequired,
    signatures: signaturesOf(promotion),
  };
}

function signaturesOf(promotion: LoadedPromotion): ComponentSignature[] | null {
  const plan = promotion.plan as unknown as PromotionPlan | null;
  if (!plan?.signaturePolicy) return null;
  const digests = new Map(promotion.images.map((i) => [i.component, i.digest]));
  return plan.images.map((image) =>
    image.signature && digests.get(image.component) === image.digest
      ? { component: image.component, ...image.signature }
      : { component: image.component, status: "unchecked", signers: [], reason: "the digest changed since the plan" },
  );
}

type LoadedPromotion = NonNullable<Awaited<ReturnType<typeof loadPromotion>>>;
function loadPromotion(tx: Tx, id: string) {
  return tx.promotion.findUnique({ where: { id }, select: promotionSelect });
}

function digestChanges(promotion: LoadedPromotion): DigestChange[] | null {
  const current = new Map(promotion.release.images.map((i) => [i.repository, i.digest]));
  const changes = promotion.images
    .filter((image) => current.has(image.component) && current.get(image.component) !== image.digest)
    .map((image) => ({ component: image.component, from: image.digest, to: current.get(image.component)! }));
  return changes.length > 0 ? changes : null;
}

/**
 * Re-makes the plan of a promotion still waiting for approval after a re-sync changed a
 * release digest: its images now carry the new digests and the plan hash follows, so every
 * earlier approval stops counting. Answers the new hash.
 */
export async function replanForCurrentDigests(
  tx: Tx,
  promotionId: string,
): Promise<{ planHash: string; changes: DigestChange[] } | null> {
  const promotion = await loadPromotion(tx, promotionId);
  if (!promotion) return null;
  const changes = digestChanges(promotion);
  if (!changes) return null;
  const to = new Map(changes.map((c) => [c.component, c.to]));
  for (const image of promotion.images) {
    const digest = to.get(image.component);
    if (digest) await tx.promotionImage.update({ where: { id: image.id }, data: { digest } });
  }
  const images = promotion.images.map((i) => ({ component: i.component, digest: to.get(i.component) ?? i.digest }));
  const hash = planHash({ images, targetRegistryId: promotion.targetRegistryId, mapping: promotion.repositoryMapping });
  await tx.promotion.update({ where: { id: promotionId }, data: { planHash: hash } });
  return { planHash: hash, changes };
}

function short(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}

/**
 * Who approved, and whose approvals are void, for a promotion page: only for promotions that
 * wait(ed) on an approval policy or carry approvals; null for the rest.
 */
export async function loadPromotionApproval(promotion: { id: string; status: string }): Promise<ApprovalState | null> {
  const underPolicy =
    promotion.status === "awaiting_approval" || promotion.status === "rejected" || promotion.status === "withdrawn";
  if (!underPolicy && (await db().approval.count({ where: { promotionId: promotion.id } })) === 0) return null;
  return loadApprovalState(db(), promotion.id);
}

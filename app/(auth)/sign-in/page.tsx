import type { Metadata } from "next";
import { safeCallback } from "@/lib/auth/safe-callback";
import { redirect } from "next/navigation";
import { getCurrentUser, needsFirstRunSetup } from "@/lib/auth/get-current-user";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  if (await needsFirstRunSetup()) redirect("/setup");
  if (await getCurrentUser()) redirect("/releases");
  const { error, callbackUrl } = await searchParams;
  return (
    <SignInForm
      oidcName={process.env.GANTRY_OIDC_ISSUER ? (process.env.GANTRY_OIDC_NAME ?? "Single sign-on") : null}
      initialError={error ? describeError(error) : null}
      callbackUrl={safeCallback(callbackUrl)}
    />
  );
}

/** next-auth passes either its own error codes or our thrown message. */
function describeError(error: string): string {
  if (error === "CredentialsSignin") return "Wrong email or password.";
  if (/^[A-Z][A-Za-z]+$/.test(error)) return "Sign-in failed. Try again, or ask an admin.";
  return error.slice(0, 200);
}

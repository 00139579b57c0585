import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { needsFirstRunSetup } from "@/lib/auth/get-current-user";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up Gantry" };

/** First run only: once any user exists this page sends people to sign in. */
export default async function SetupPage() {
  if (!(await needsFirstRunSetup())) redirect("/sign-in");
  return <SetupForm />;
}

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { clientAddressHeader } from "@/lib/http/client-address";
import { linkOidcUser } from "./link-oidc-user";
import { sessionVersionOf } from "./session-user";
import { signInWithPassword } from "./sign-in-with-password";

const sessionHours = 12;

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: sessionHours * 3600 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      id: "password",
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
        const outcome = await signInWithPassword({
          email: String(credentials?.email ?? ""),
          password: String(credentials?.password ?? ""),
          // Stamped by Gantry's web server from the socket and GANTRY_TRUSTED_PROXIES, never X-Forwarded-For as sent.
          ip: headers[clientAddressHeader] || null,
          userAgent: headers["user-agent"] ?? null,
        });
        // next-auth hands a thrown message to the sign-in page as `error`.
        if (!outcome.ok) throw new Error(outcome.message);
        return { id: outcome.user.id, email: outcome.user.email, name: outcome.user.name };
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.provider !== "oidc") return true;
      const linked = await linkOidcUser({
        email: profile?.email ?? user.email ?? "",
        name: profile?.name ?? user.name ?? null,
        providerAccountId: account.providerAccountId,
        emailVerified: (profile as { email_verified?: unknown } | undefined)?.email_verified === true,
      });
      if (!linked) return "/sign-in?error=This+account+is+disabled+or+has+no+verified+email.";
      // From here on the session carries Gantry's user id, not the provider's subject.
      user.id = linked;
      return true;
    },
    async jwt({ token, user }) {
      // At sign-in: the session is issued under the user's current session version, which
      // sign-out, a role change or a disable bump to end it (checked in userOfSession).
      if (user) {
        token.sub = user.id;
        token.sessionVersion = await sessionVersionOf(user.id);
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      if (typeof token.sessionVersion === "number")
        (session as { sessionVersion?: number }).sessionVersion = token.sessionVersion;
      return session;
    },
  },
};

function oidcProvider(): OAuthConfig<{ sub: string; email?: string; name?: string }>[] {
  const issuer = process.env.GANTRY_OIDC_ISSUER;
  const clientId = process.env.GANTRY_OIDC_CLIENT_ID;
  const clientSecret = process.env.GANTRY_OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return [];
  return [
    {
      id: "oidc",
      name: process.env.GANTRY_OIDC_NAME ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId,
      clientSecret,
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
      profile: (profile) => ({ id: profile.sub, email: profile.email ?? null, name: profile.name ?? null }),
    },
  ];
}

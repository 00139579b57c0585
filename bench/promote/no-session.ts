// The benchmark calls the API with a Bearer token only: the session lookup (next-auth,
// which needs Next's bundler) is replaced by "no session" in its bundle.
export async function getCurrentUser(): Promise<null> {
  return null;
}

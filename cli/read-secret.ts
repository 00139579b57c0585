import type { CliIo } from "./command";

/** Reads a secret from standard input: the whole of it when piped, one line without echo on a terminal. */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY) {
    io.stderr.write(prompt);
    stdin.setRawMode?.(true);
    return new Promise((resolve, reject) => {
      let value = "";
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString("utf8")) {
          if (char === "\r" || char === "\n") {
            finish();
            resolve(value);
            return;
          }
          if (char === "\u0003") {
            finish();
            reject(new Error("cancelled"));
            return;
          }
          value = char === "\u007f" ? value.slice(0, -1) : value + char;
        }
      };
      const finish = () => {
        stdin.setRawMode?.(false);
        stdin.off("data", onData);
        stdin.pause();
        io.stderr.write("\n");
      };
      stdin.on("data", onData);
      stdin.resume();
    });
  }
  let text = "";
  for await (const chunk of io.stdin) text += chunk.toString();
  return text.replace(/\r?\n$/, "");
}

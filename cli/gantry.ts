import { ExitCode, UsageError, type CliIo } from "./command";
import { commands } from "./commands";

const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
};

// Exit explicitly: a command may leave pools or timers behind that would keep the process alive.
process.exit(await main(process.argv.slice(2)));

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? (await topic.load()).help : overview());
    return ExitCode.ok;
  }
  if (name === "--version") {
    io.stdout.write(`${process.env.npm_package_version ?? "gantry"}\n`);
    return ExitCode.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`gantry: unknown command "${name}"\n\n${overview()}`);
    return ExitCode.usage;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.help);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gantry ${command.name}: ${error.message}\n\n${command.help}`);
      return ExitCode.usage;
    }
    io.stderr.write(`gantry ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failed;
  }
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: gantry <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `gantry <command> --help` for a command's options.",
    "",
  ].join("\n");
}

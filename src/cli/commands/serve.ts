// `selfalign serve`: the workbench in a browser (the same screens as the desktop window, over HTTP), and
// `selfalign contract`: every command and event as JSON Schema, for anyone writing a client.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultDatabasePath } from '../../core/store/index.js';
import { createEngine, isLoopback, startHttpServer } from '../../engine/index.js';
import { contractJsonSchema } from '../../shared/json-schema.js';
import { wholeNumber } from '../context.js';
import { printJson } from '../output.js';

/** The built screens: beside the bundled CLI (out/main/cli.js → out/renderer), or the repository's out/renderer. */
function rendererDir(given?: string): string | undefined {
  const candidates = [
    given,
    process.env.SELFALIGN_RENDERER_DIR,
    fileURLToPath(new URL('../renderer/', import.meta.url)),
    fileURLToPath(new URL('../../../out/renderer/', import.meta.url)),
  ];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(path.join(dir, 'index.html')));
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () =>
      process.stderr.write(`Could not open a browser (${command}); open the address above yourself.\n`),
    );
    child.unref();
  } catch {
    process.stderr.write('Could not open a browser; open the address above yourself.\n');
  }
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the workbench to a browser: the screens and the engine API, with a random token')
    .option('--port <n>', 'port (0: any free one)', '0')
    .option(
      '--host <address>',
      'address to bind (default 127.0.0.1; anything else is reachable from other machines)',
      '127.0.0.1',
    )
    .option('--open', 'open the address in the default browser')
    .option('--renderer <dir>', 'the built screens (default: out/renderer)')
    .option('--db <file>', "the workbench database (default: SELFALIGN_DB, else the desktop app's data folder)")
    .action(async (options: { port: string; host: string; open?: boolean; renderer?: string; db?: string }) => {
      const port = wholeNumber(options.port, '--port')!;
      const engine = createEngine({ databasePath: options.db ?? defaultDatabasePath() });
      const screens = rendererDir(options.renderer);
      const server = await startHttpServer({
        engine,
        port,
        host: options.host,
        ...(screens ? { rendererDir: screens } : {}),
      });
      if (!isLoopback(options.host)) {
        process.stderr.write(
          `warning: bound to ${options.host}: anyone who can reach this machine and learns the token can use the workbench. Use the default 127.0.0.1 unless you mean it.\n`,
        );
      }
      if (!screens)
        process.stderr.write('note: the screens are not built (run `npm run build`); the API is served alone.\n');
      process.stderr.write(`Self-Align Workbench is at (Ctrl-C stops it):\n`);
      process.stdout.write(`${server.url}\n`);
      if (options.open) openInBrowser(server.url);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('Stopping: running jobs are cancelled, what they measured is kept.\n');
      await server.close();
      await engine.close();
    });

  program
    .command('contract')
    .description("every engine command's parameters and result, and every event, as JSON Schema")
    .action(() => printJson(contractJsonSchema()));
}

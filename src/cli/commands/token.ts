import type { Command } from "commander";
import { z } from "zod";
import { ensureAccessToken, rotateAccessToken, tokenPath } from "../../serve/auth/access-token.js";
import { ServeSessionsRepo } from "../../store/serve-sessions-repo.js";
import { printJson, printLine } from "../output/print.js";
import { parseInput } from "../parse-input.js";
import { withApp } from "../with-app.js";

const tokenOptions = z.object({ show: z.boolean().optional(), json: z.boolean().optional() });

export function registerToken(program: Command): void {
  program
    .command("token")
    .description("make a new access token for the review app and sign every browser out (--show: print it)")
    .option("--show", "print the current token instead of making a new one")
    .option("--json", "print { token, loginUrl, signedOut } as JSON")
    .action((raw: unknown, command: Command) =>
      withApp(command, (app) => {
        const options = parseInput(tokenOptions, raw);
        const { home, serve } = app.config;
        let signedOut = 0;
        let token: string;
        if (options.show) token = ensureAccessToken(home);
        else {
          token = rotateAccessToken(home);
          signedOut = new ServeSessionsRepo(app.store.db).deleteAll();
        }
        const loginUrl = `http://127.0.0.1:${serve.port}/login?token=${encodeURIComponent(token)}`;
        if (options.json) return printJson({ token, loginUrl, signedOut });
        if (!options.show)
          printLine(`new token in ${tokenPath(home)}; ${signedOut} browser session(s) signed out`);
        printLine(token);
        printLine(`sign in at ${loginUrl} (with the port docsort serve uses)`);
      }),
    );
}

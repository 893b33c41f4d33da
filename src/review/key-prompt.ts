import { createPrompt, makeTheme, useKeypress, usePrefix, useState } from "@inquirer/core";

export interface KeyChoice<T> {
  /** One lower-case letter: pressing it answers at once, without Enter. */
  key: string;
  name: string;
  value: T;
}

export interface KeyPromptConfig<T> {
  message: string;
  choices: readonly KeyChoice<T>[];
}

/**
 * A one-key question (Inquirer's `expand` without the Enter): `a) accept  c) choose…` and the letter decides.
 * Enter alone does nothing, so a key pressed twice cannot decide the next document by accident. Built on
 * @inquirer/core, like the other prompts: same rendering, Ctrl-C, and the @inquirer/testing harness.
 */
export const keyPrompt = createPrompt(<T>(config: KeyPromptConfig<T>, done: (value: T) => void) => {
  const [status, setStatus] = useState<"idle" | "done">("idle");
  const [chosen, setChosen] = useState<KeyChoice<T> | undefined>(undefined);
  const [hint, setHint] = useState<string | undefined>(undefined);
  const theme = makeTheme({});
  const prefix = usePrefix({ theme, status });
  useKeypress((event, rl) => {
    rl.clearLine(0);
    const choice = config.choices.find((c) => c.key === event.name?.toLowerCase() && !event.ctrl);
    if (!choice) {
      setHint(`press one of ${config.choices.map((c) => c.key).join(" ")}`);
      return;
    }
    setChosen(choice);
    setStatus("done");
    done(choice.value);
  });
  const message = theme.style.message(config.message, status);
  if (status === "done" && chosen) return `${prefix} ${message} ${theme.style.answer(chosen.name)}`;
  const keys = config.choices.map((c) => `${theme.style.highlight(c.key)}) ${c.name}`).join("  ");
  return [
    `${prefix} ${message}`,
    [`  ${keys}`, hint ? theme.style.error(hint) : ""].filter(Boolean).join("\n"),
  ];
});

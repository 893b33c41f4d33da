/** One line of `docsort doctor`: what was checked, whether it is fine, and what to do when it is not. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

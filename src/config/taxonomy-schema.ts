import { z } from "zod";

export const categorySchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, "a category name is lower-case letters, digits and _, starting with a letter")
    .describe("The label the model answers with and handlers fire on: lower-case letters, digits and _."),
  description: z.string().min(1).describe("Used in the prompt: what belongs in this category."),
});
export type Category = z.infer<typeof categorySchema>;

export const taxonomySchema = z
  .array(categorySchema)
  .min(2, "the taxonomy needs at least two categories")
  .superRefine((categories, ctx) => {
    const seen = new Set<string>();
    for (const [index, { name }] of categories.entries()) {
      if (seen.has(name))
        ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate category "${name}"` });
      seen.add(name);
    }
  });

/**
 * The one door to LangChain.js: every part of docsort imports LangChain through this module, and the build bundles
 * it into a single file (scripts/bundle.mjs, step 1), because Node's module loader spends ~0.5 s resolving and
 * reading LangChain's few hundred files and the bundle loads in ~0.07 s. Classes must come from one copy of
 * LangChain for LangChain's own `instanceof` checks, hence one door.
 */
export { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
export { ChatPromptTemplate } from "@langchain/core/prompts";
export { toJsonSchema } from "@langchain/core/utils/json_schema";
export { ChatOllama } from "@langchain/ollama";

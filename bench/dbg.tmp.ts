import { buildStore } from "./scenarios/large-store.js";
import { docsortSetup } from "./support/harness.js";

const setup = docsortSetup("/tmp/wt11/store100k", "http://127.0.0.1:9", {});
console.log(buildStore(setup.home, 100000));

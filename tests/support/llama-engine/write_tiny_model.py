"""Writes docsort's test model: a tiny qwen2-architecture GGUF with random weights over a real tokenizer.

Input: one JSON object on stdin (see tiny-model.ts): output path, seed, sizes, the tokenizer's GGUF fields and the
token biases. Uses gguf-py, llama.cpp's own GGUF writer, from the llama.cpp release that node-llama-cpp
ships (PYTHONPATH points at it). The model is a fixture for behaviour, not a classifier: it knows nothing.

One deliberate shape in the random weights: dimension 0 of the residual stream is a constant (the token embedding
sets it, no layer writes to it), and the output matrix reads it only for the biased tokens (the double quote). Every
step then leans towards closing a JSON string, so string values end after a few tokens instead of running until
num_predict, while everything else stays random.
"""
import json
import sys

import numpy as np
from gguf import GGUFWriter

spec = json.load(sys.stdin)
dims, tok = spec["dims"], spec["tokenizer"]
E, F, L, H = dims["embedding"], dims["feedForward"], dims["layers"], dims["heads"]
n_vocab = len(tok["tokens"])
rng = np.random.default_rng(spec["seed"])


def random(*shape, scale=1.0):
    return rng.standard_normal(shape, dtype=np.float32) * scale


writer = GGUFWriter(spec["out"], "qwen2")
writer.add_name(spec["name"])
writer.add_description("docsort test fixture: random weights over the qwen2 tokenizer; not a language model")
writer.add_context_length(dims["contextLength"])
writer.add_embedding_length(E)
writer.add_block_count(L)
writer.add_feed_forward_length(F)
writer.add_head_count(H)
writer.add_head_count_kv(H)
writer.add_layer_norm_rms_eps(1e-6)
writer.add_rope_freq_base(1000000.0)
writer.add_file_type(1)  # mostly F16
writer.add_tokenizer_model(tok["model"])
writer.add_tokenizer_pre(tok["pre"])
writer.add_token_list(tok["tokens"])
writer.add_token_types(tok["tokenType"])
writer.add_token_merges(tok["merges"])
writer.add_bos_token_id(tok["bosTokenId"])
writer.add_eos_token_id(tok["eosTokenId"])
writer.add_pad_token_id(tok["padTokenId"])
writer.add_chat_template(tok["chatTemplate"])

embedding = random(n_vocab, E)
embedding[:, 0] = spec["constant"]
output = random(n_vocab, E, scale=E ** -0.5)
output[:, 0] = 0
for token, weight in spec["tokenBias"]:
    output[token, 0] = weight

writer.add_tensor("token_embd.weight", embedding.astype(np.float16))
writer.add_tensor("output_norm.weight", np.ones(E, dtype=np.float32))
writer.add_tensor("output.weight", output.astype(np.float16))
for i in range(L):
    block = f"blk.{i}."
    writer.add_tensor(block + "attn_norm.weight", np.ones(E, dtype=np.float32))
    for part in ("q", "k", "v"):
        writer.add_tensor(block + f"attn_{part}.weight", random(E, E, scale=E ** -0.5))
        writer.add_tensor(block + f"attn_{part}.bias", np.zeros(E, dtype=np.float32))
    attention_out = random(E, E, scale=E ** -0.5)
    attention_out[0, :] = 0
    writer.add_tensor(block + "attn_output.weight", attention_out)
    writer.add_tensor(block + "ffn_norm.weight", np.ones(E, dtype=np.float32))
    writer.add_tensor(block + "ffn_gate.weight", random(F, E, scale=E ** -0.5))
    writer.add_tensor(block + "ffn_up.weight", random(F, E, scale=E ** -0.5))
    feed_forward_down = random(E, F, scale=F ** -0.5)
    feed_forward_down[0, :] = 0
    writer.add_tensor(block + "ffn_down.weight", feed_forward_down)

writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()

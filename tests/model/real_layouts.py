"""Tiny random checkpoints laid out file for file as the real repositories are (Dream-Coder-v0-Instruct-7B,
DiffuCoder-7B-cpGRPO, LLaDA-8B-Instruct, Open-dCoder-0.5B, SDAR-1.7B-Chat): the same file names and formats, a
vocabulary of a few hundred tokens and a two-layer model. Each ships the repository's remote-code files too, which
must never run: importing one writes a marker file next to it."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from model.hf_tokenizer import QWEN2_SPLIT
from tests.conftest import EXAMPLES

# Dream's added tokens, in its order (151643 ... in the real vocabulary); DiffuCoder adds <|dlm_pad|> after them.
DREAM_ADDED = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|beginoftext|>", "<|mask|>"]
QWEN_CHAT = ("{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\n"
             "You are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n"
             "{{ message['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
             "{% endif %}")
LLAMA3_CHAT = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
               "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + "
               "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
               "{{ content }}{% endfor %}{% if add_generation_prompt %}"
               "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
REMOTE_CODE = "from pathlib import Path\nPath(__file__).with_suffix('.ran').write_text('remote code ran')\n"


def _qwen2_bpe() -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated"),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator([p.read_text() for p in EXAMPLES.iterdir()], trainers.BpeTrainer(
        vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    return tok


def _sharded(directory: Path, state: dict, shards: int, dtype=torch.bfloat16) -> None:
    names, weight_map = sorted(state), {}
    for i in range(shards):
        part = {k: state[k].to(dtype).contiguous() for k in names[i::shards]}
        file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        save_file(part, str(directory / file), metadata={"format": "pt"})
        weight_map.update({k: file for k in part})
    total = sum(t.numel() * 2 for t in state.values())
    (directory / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": total},
                                                                        "weight_map": weight_map}, indent=2))


def _write(directory: Path, name: str, value) -> None:
    (directory / name).write_text(value if isinstance(value, str) else json.dumps(value, indent=2))


def write_dream_family(directory: Path, pad_token: str | None = None, chat_file: bool = False, hidden: int = 32,
                       layers: int = 2, shards: int = 2, max_positions: int = 32768) -> Path:
    """Dream-Coder's layout (vocab.json, merges.txt, added_tokens.json, special_tokens_map.json,
    tokenizer_config.json with its chat template, tokenization_dream.py, generation_config.json, configuration and
    modeling code, sharded bf16 safetensors with an index). `pad_token` "<|dlm_pad|>" and `chat_file` (the template
    in chat_template.jinja) make it DiffuCoder's."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    directory.mkdir(parents=True, exist_ok=True)
    tok = _qwen2_bpe()
    tok.model.save(str(directory))  # vocab.json, merges.txt
    base = tok.get_vocab_size()
    added = DREAM_ADDED + ([pad_token] if pad_token else [])
    ids = {t: base + i for i, t in enumerate(added)}
    _write(directory, "added_tokens.json", ids)
    _write(directory, "special_tokens_map.json", {"bos_token": "<|beginoftext|>", "eos_token": "<|endoftext|>",
                                                  "pad_token": pad_token or "<|endoftext|>", "mask_token": "<|mask|>"})
    config = {"added_tokens_decoder": {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                                "single_word": False, "special": True} for t, i in ids.items()},
              "auto_map": {"AutoTokenizer": ["tokenization_dream.DreamTokenizer", None]},
              "bos_token": "<|beginoftext|>", "eos_token": "<|endoftext|>", "pad_token": pad_token or "<|endoftext|>",
              "mask_token": "<|mask|>", "model_max_length": 131072, "tokenizer_class": "DreamTokenizer"}
    if chat_file:
        _write(directory, "chat_template.jinja", QWEN_CHAT)
    else:
        config["chat_template"] = QWEN_CHAT
    _write(directory, "tokenizer_config.json", config)
    for code in ("tokenization_dream.py", "configuration_dream.py", "modeling_dream.py", "generation_utils.py"):
        _write(directory, code, REMOTE_CODE)
    vocab = base + len(added) + 13  # the head is padded past the tokenizer (152,064 rows for ~151,667 ids)
    _write(directory, "generation_config.json", {"bos_token_id": ids["<|beginoftext|>"], "eos_token_id": ids["<|endoftext|>"],
                                                 "pad_token_id": ids.get(pad_token or "<|endoftext|>"),
                                                 "mask_token_id": ids["<|mask|>"]})
    fields = {"vocab_size": vocab, "hidden_size": hidden, "intermediate_size": 2 * hidden, "num_hidden_layers": layers,
              "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": max_positions,
              "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": False, "hidden_act": "silu"}
    _write(directory, "config.json", {"architectures": ["DreamModel"], "model_type": "Dream",
                                      "auto_map": {"AutoConfig": "configuration_dream.DreamConfig",
                                                   "AutoModel": "modeling_dream.DreamModel"},
                                      "bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|endoftext|>"],
                                      "pad_token_id": ids.get(pad_token or "<|endoftext|>"),
                                      "mask_token_id": ids["<|mask|>"], "torch_dtype": "bfloat16", **fields})
    torch.manual_seed(0)
    _sharded(directory, Qwen2ForCausalLM(Qwen2Config(**fields)).state_dict(), shards)
    return directory


# Qwen2.5-Coder's added tokens in its order (151643 ...), then the mask token Open-dLLM's training script adds.
QWEN25_ADDED = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
                "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"]


def write_open_dcoder(directory: Path, hidden: int = 32, layers: int = 2) -> Path:
    """Open-dCoder-0.5B's layout as `save_pretrained` writes Qwen2.5-Coder's tokenizer after Open-dLLM's training
    script adds `{"mask_token": "<M>"}`: tokenizer.json, vocab.json, merges.txt, added_tokens.json,
    special_tokens_map.json and tokenizer_config.json naming <M> (and Qwen2.5's chat template, bos_token null), a
    plain `qwen2` config.json with tied embeddings, generation_config.json, one bf16 model.safetensors."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    directory.mkdir(parents=True, exist_ok=True)
    tok = _qwen2_bpe()
    tok.model.save(str(directory))  # vocab.json, merges.txt
    added = QWEN25_ADDED + ["<M>"]
    tok.add_special_tokens(added)
    tok.save(str(directory / "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in added}
    _write(directory, "added_tokens.json", ids)
    _write(directory, "special_tokens_map.json", {"additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
                                                  "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
                                                  "mask_token": "<M>"})
    _write(directory, "tokenizer_config.json", {
        "added_tokens_decoder": {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                          "single_word": False, "special": True} for t, i in ids.items()},
        "bos_token": None, "chat_template": QWEN_CHAT, "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "mask_token": "<M>", "model_max_length": 32768, "tokenizer_class": "Qwen2Tokenizer"})
    vocab = tok.get_vocab_size() + 22  # Qwen2.5's head has 151,936 rows for 151,665 ids
    _write(directory, "generation_config.json", {"bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|endoftext|>"]})
    fields = {"vocab_size": vocab, "hidden_size": hidden, "intermediate_size": 2 * hidden, "num_hidden_layers": layers,
              "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 32768,
              "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": True, "hidden_act": "silu"}
    _write(directory, "config.json", {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
                                      "bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|endoftext|>"],
                                      "torch_dtype": "bfloat16", "use_sliding_window": False, **fields})
    torch.manual_seed(0)
    state = Qwen2ForCausalLM(Qwen2Config(**fields)).state_dict()
    state.pop("lm_head.weight")  # tied: stored once, as the embedding
    save_file({k: v.to(torch.bfloat16).contiguous() for k, v in state.items()}, str(directory / "model.safetensors"),
              metadata={"format": "pt"})
    return directory


# Qwen3's added tokens after Qwen2.5's (151643 ... 151668), then SDAR's mask token (151669).
QWEN3_ADDED = QWEN25_ADDED + ["<tool_response>", "</tool_response>", "<think>", "</think>"]


def write_sdar_chat(directory: Path, hidden: int = 32, layers: int = 2, shards: int = 2) -> Path:
    """SDAR-1.7B-Chat's layout (JetLM): Qwen3's tokenizer files (tokenizer.json, vocab.json, merges.txt,
    added_tokens.json, special_tokens_map.json, tokenizer_config.json with the chat template) plus <|MASK|>; an
    `sdar` config.json with block_size 4, mask_token_id, head_dim and an untied head; configuration_sdar.py,
    modeling_sdar.py and fused_linear_diffusion_cross_entropy.py; generation_config.json; sharded bf16 safetensors."""
    from transformers import Qwen3Config, Qwen3ForCausalLM

    directory.mkdir(parents=True, exist_ok=True)
    tok = _qwen2_bpe()
    tok.model.save(str(directory))  # vocab.json, merges.txt
    added = QWEN3_ADDED + ["<|MASK|>"]
    tok.add_special_tokens(added)
    tok.save(str(directory / "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in added}
    _write(directory, "added_tokens.json", ids)
    _write(directory, "special_tokens_map.json", {"additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
                                                  "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                                                  "mask_token": "<|MASK|>"})
    _write(directory, "tokenizer_config.json", {
        "added_tokens_decoder": {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                          "single_word": False, "special": True} for t, i in ids.items()},
        "bos_token": None, "chat_template": QWEN_CHAT, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
        "mask_token": "<|MASK|>", "model_max_length": 131072, "tokenizer_class": "Qwen2Tokenizer"})
    for code in ("configuration_sdar.py", "modeling_sdar.py", "fused_linear_diffusion_cross_entropy.py"):
        _write(directory, code, REMOTE_CODE)
    _write(directory, "generation_config.json", {"bos_token_id": ids["<|endoftext|>"],
                                                 "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
                                                 "pad_token_id": ids["<|endoftext|>"]})
    vocab = tok.get_vocab_size() + 266  # 151,936 head rows for 151,670 ids
    fields = {"vocab_size": vocab, "hidden_size": hidden, "intermediate_size": 3 * hidden, "num_hidden_layers": layers,
              "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "max_position_embeddings": 32768,
              "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": False, "hidden_act": "silu",
              "attention_bias": False}
    _write(directory, "config.json", {"architectures": ["SDARForCausalLM"], "model_type": "sdar",
                                      "auto_map": {"AutoConfig": "configuration_sdar.SDARConfig",
                                                   "AutoModel": "modeling_sdar.SDARModel",
                                                   "AutoModelForCausalLM": "modeling_sdar.SDARForCausalLM"},
                                      "attn_implementation": "flex_attention", "block_size": 4,
                                      "bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|endoftext|>"],
                                      "mask_token_id": ids["<|MASK|>"], "sliding_window": None,
                                      "use_sliding_window": False, "rope_scaling": None, "torch_dtype": "bfloat16",
                                      **fields})
    torch.manual_seed(0)
    state = Qwen3ForCausalLM(Qwen3Config(**fields)).state_dict()
    for name in state:  # the norms start at ones; random ones make the reference comparison meaningful
        if name.endswith("norm.weight"):
            state[name] = 1 + 0.1 * torch.randn(state[name].shape)
    _sharded(directory, state, shards)
    return directory


def write_llada_instruct(directory: Path, shards: int = 2) -> Path:
    """LLaDA-8B-Instruct's layout: tokenizer.json with Llama-3-style special tokens, a chat template that starts
    with `bos_token`, OLMo-style config and weight names, modeling/configuration code, sharded safetensors."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from model.hf_llada import llama_name

    directory.mkdir(parents=True, exist_ok=True)
    tok = _qwen2_bpe()
    specials = ["<|startoftext|>", "<|endoftext|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
                "<|mdm_mask|>"]
    tok.add_special_tokens(specials)
    tok.save(str(directory / "tokenizer.json"))
    ids = {t: tok.token_to_id(t) for t in specials}
    _write(directory, "tokenizer_config.json", {"bos_token": "<|startoftext|>", "eos_token": "<|eot_id|>",
                                                "chat_template": LLAMA3_CHAT, "tokenizer_class": "PreTrainedTokenizerFast"})
    _write(directory, "special_tokens_map.json", {"bos_token": "<|startoftext|>", "eos_token": "<|eot_id|>"})
    _write(directory, "generation_config.json", {"bos_token_id": ids["<|startoftext|>"], "eos_token_id": ids["<|eot_id|>"]})
    for code in ("configuration_llada.py", "modeling_llada.py"):
        _write(directory, code, REMOTE_CODE)
    vocab = tok.get_vocab_size() + 10
    _write(directory, "config.json", {"architectures": ["LLaDAModelLM"], "model_type": "llada", "d_model": 32,
                                      "n_heads": 4, "n_kv_heads": 4, "n_layers": 2, "mlp_hidden_size": 64,
                                      "vocab_size": vocab, "embedding_size": vocab, "max_sequence_length": 4096,
                                      "rope_theta": 500000.0, "rms_norm_eps": 1e-5, "weight_tying": False,
                                      "mask_token_id": ids["<|mdm_mask|>"], "eos_token_id": ids["<|eot_id|>"],
                                      "pad_token_id": ids["<|endoftext|>"],
                                      "auto_map": {"AutoModel": "modeling_llada.LLaDAModelLM"}})
    torch.manual_seed(0)
    llama = LlamaForCausalLM(LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=4, tie_word_embeddings=False))
    names = {}
    for i in range(2):
        for src in ("attn_norm", "ff_norm", "q_proj", "k_proj", "v_proj", "attn_out", "ff_proj", "up_proj", "ff_out"):
            names[llama_name(f"model.transformer.blocks.{i}.{src}.weight")] = f"model.transformer.blocks.{i}.{src}.weight"
    names.update({"model.embed_tokens.weight": "model.transformer.wte.weight", "model.norm.weight": "model.transformer.ln_f.weight",
                  "lm_head.weight": "model.transformer.ff_out.weight"})
    _sharded(directory, {names[k]: v for k, v in llama.state_dict().items() if k in names}, shards)
    return directory


def remote_code_ran(directory: Path) -> bool:
    return any(directory.glob("*.ran"))


def assert_cli_fills_two_holes(directory: Path, tmp_path: Path) -> None:
    """`infill --holes` with this checkpoint: both holes filled, or a one-line refusal (a random model's fill may not
    parse), never a traceback."""
    from tests.lsp_server.test_cli import cli
    (tmp_path / "h.py").write_text("a = 1  # <|fill|>\nb = 2  # <|fill|>\n")  # any line of a random model parses there
    run = cli("infill", tmp_path / "h.py", "--holes", "--json", "--model", directory, "--device", "cpu")
    assert run.returncode in (0, 3), run.stderr
    assert "Traceback" not in run.stderr
    if run.returncode == 0:
        assert len(json.loads(run.stdout)["fills"]) == 2

"""CodeActAgent-style fine-tuning: labels (loss on assistant turns), the TRL recipe, the GGUF
export. Needs the `train` extra: `pip install 'codeact[train]'`."""

"""`diffusion-lsp eval typing`: ghost text measured from the user's seat, as a person types held-out real files."""

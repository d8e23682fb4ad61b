"""What a file is: its text and tree, languages, positions, syntax checks, spans and indentation."""

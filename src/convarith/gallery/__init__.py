"""The original guide's animations and the explanatory extras, rendered as a gallery."""

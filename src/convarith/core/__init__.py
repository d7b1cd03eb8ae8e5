"""The arithmetic core: parameters, sizes, analyses, relationships, stacks, explanations.

Standard library only, so that ``convarith shape`` starts fast.  From the
bottom up: errors, records, limits and text formatters; parameters; output
sizes; the analyses and relationships; layer stacks; and at the top the text
explanations, which format the core's own answers.
"""

"""Writing files safely: atomically, under one naming rule, into places checked first."""

"""Chat mutations, one module per area."""

"""Rankings: ordering and tie-break rules, unit rankings, published snapshots, exports."""

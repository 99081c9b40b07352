"""The rule engine: rules read facts and return candidate flags; only the writer touches Flag rows."""

"""The suite's root: makes ``budget`` (the property tests' example budget) importable everywhere."""

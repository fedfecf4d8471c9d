"""Skip work whose inputs did not change: the input set, output stamps, list/check answers."""

"""Mutation catalogue: realistic faults in the reference backend and the layers that must kill them."""

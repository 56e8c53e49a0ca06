"""spacefacts: a sourced fact explorer for China's space exploration."""

__version__ = "0.3.0"

"""Berdaya: the information system for economic-empowerment social assistance."""

__version__ = "0.1.0"

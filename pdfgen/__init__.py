"""kneecard: printable knee-recovery routines for runners, built from YAML content and page templates."""

__version__ = "0.1.0"

"""questionnaire: answer AI security questionnaires from a verified deployment profile."""

__version__ = "0.1.0"
TOOL_NAME = "questionnaire"

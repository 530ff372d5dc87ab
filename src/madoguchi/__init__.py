"""Madoguchi (窓口): who to call when the fiber line, ひかり電話 or FAX dies."""

__version__ = "0.1.0"

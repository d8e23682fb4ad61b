"""Whether a fill may be shown: the acceptance gate and each check for code nobody would keep."""
